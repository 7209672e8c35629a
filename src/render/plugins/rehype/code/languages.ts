/**
 * The highlighter: one lowlight instance per process with the highlight.js `common` grammars plus the extra
 * languages found in the real posts we test on (Chinese docs and blogs, an English blog, math wikis: java, cpp, bash,
 * rust, go, yaml, toml, protobuf, dockerfile, nginx, powershell, haskell, scheme, properties, http, latex…).
 */
import { common, createLowlight } from 'lowlight';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import gherkin from 'highlight.js/lib/languages/gherkin';
import haskell from 'highlight.js/lib/languages/haskell';
import http from 'highlight.js/lib/languages/http';
import latex from 'highlight.js/lib/languages/latex';
import nginx from 'highlight.js/lib/languages/nginx';
import powershell from 'highlight.js/lib/languages/powershell';
import properties from 'highlight.js/lib/languages/properties';
import protobuf from 'highlight.js/lib/languages/protobuf';
import scheme from 'highlight.js/lib/languages/scheme';

type Lowlight = ReturnType<typeof createLowlight>;

let instance: Lowlight | undefined;

/** The shared highlighter, built on first use (registering ~45 grammars costs a few ms, once). */
export function highlighter(): Lowlight {
  if (!instance) {
    instance = createLowlight(common);
    instance.register({ dockerfile, gherkin, haskell, http, latex, nginx, powershell, properties, protobuf, scheme });
  }
  return instance;
}

/** Fence languages that mean "no highlighting" (still labelled when they say something, like `mermaid`). */
const PLAIN_LANGUAGES = new Set(['text', 'txt', 'plain', 'plaintext', 'none', 'nohighlight', 'no-highlight', 'mermaid']);

/** Fence languages shown without a label (they say nothing about the content). */
const UNLABELLED_LANGUAGES = new Set(['text', 'txt', 'plain', 'plaintext', 'none', 'nohighlight', 'no-highlight']);

/**
 * Names we map ourselves before asking highlight.js. In highlight.js `shell` is the *console session* grammar
 * (only lines starting with a `$` prompt are highlighted), but in posts ```` ```shell ```` almost always holds a
 * plain script, so it goes to `bash`; `console` keeps the session grammar.
 */
const ALIASES: Readonly<Record<string, string>> = {
  shell: 'bash',
  zsh: 'bash',
  console: 'shell',
  terminal: 'shell',
  golang: 'go',
  yml: 'yaml',
  proto: 'protobuf',
  vue: 'xml',
  svg: 'xml',
  jsonc: 'json',
  json5: 'json',
  conf: 'ini',
  cfg: 'ini',
  tex: 'latex',
};

interface CodeLanguage {
  /** Grammar to highlight with, or undefined for plain text. */
  grammar: string | undefined;
  /** Label to show (the fence language as written, lower-cased), or undefined. */
  label: string | undefined;
  /** True when a language was given but no grammar knows it. */
  unknown: boolean;
}

const cache = new Map<string, CodeLanguage>();

/** Resolves a fence language (`rust`, `C++`, `shell`, `text`, `yam`…) to a grammar and a label. Memoized. */
export function resolveLanguage(fence: string | undefined): CodeLanguage {
  const name = (fence ?? '').trim().toLowerCase();
  let resolved = cache.get(name);
  if (resolved) return resolved;
  if (name === '') {
    resolved = { grammar: undefined, label: undefined, unknown: false };
  } else if (PLAIN_LANGUAGES.has(name)) {
    resolved = { grammar: undefined, label: UNLABELLED_LANGUAGES.has(name) ? undefined : name, unknown: false };
  } else {
    const candidate = ALIASES[name] ?? name;
    const known = highlighter().registered(candidate);
    resolved = { grammar: known ? candidate : undefined, label: name, unknown: !known };
  }
  if (cache.size > 1000) cache.clear(); // fence names are user input: keep the memo bounded
  cache.set(name, resolved);
  return resolved;
}
