/**
 * Redaction of credentials. Access tokens travel in URLs (`?access_token=`), the AppSecret in the token request; neither
 * may appear in an event, an error message or a stack trace.
 */
const SECRET_QUERY = /([?&](?:access_token|secret|appsecret)=)[^&#\s"'<>]*/gi;
const SECRET_JSON = /("(?:access_token|secret|appsecret)"\s*:\s*")[^"]*(")/gi;
/** Shorter values are too likely to collide with ordinary text to be replaced blindly. */
const MIN_LITERAL_LENGTH = 6;
const MAX_REMEMBERED = 32;

export class Redactor {
  private readonly literals: string[] = [];

  /** Remember a value (the AppSecret, each access token) that must never be shown. */
  add(value: string | undefined): void {
    if (!value || value.length < MIN_LITERAL_LENGTH || this.literals.includes(value)) return;
    this.literals.push(value);
    // Keep the secret (first) and the most recent tokens.
    if (this.literals.length > MAX_REMEMBERED) this.literals.splice(1, 1);
  }

  redact(text: string): string {
    let out = text.replace(SECRET_QUERY, '$1***').replace(SECRET_JSON, '$1***$2');
    for (const literal of this.literals) {
      if (out.includes(literal)) out = out.split(literal).join('***');
    }
    return out;
  }
}
