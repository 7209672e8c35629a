/**
 * The highlighter: one lowlight instance per process that knows the highlight.js `common` grammars plus the extra
 * languages found in the real posts we test on (Chinese docs and blogs, an English blog, math wikis: java, cpp, bash,
 * rust, go, yaml, toml, protobuf, dockerfile, nginx, powershell, haskell, scheme, properties, http, latex…), listed in
 * the generated ./grammar-index.ts. A grammar is imported and registered the first time a post needs it: loading all
 * ~50 up front cost a one-post build ~45 ms of its start-up (issue 12, `node --cpu-prof`).
 */
import { createLowlight } from 'lowlight';
import { detach } from '../../../../util/detach.js';
import { GRAMMARS } from './grammar-index.js';

type Lowlight = ReturnType<typeof createLowlight>;

let instance: Lowlight | undefined;

/** The shared highlighter; it knows the grammars loaded so far (see loadGrammars). */
export function highlighter(): Lowlight {
  instance ??= createLowlight();
  return instance;
}

/** Grammar name of every alias in the index (`js` → javascript, `c++` → cpp). */
let aliasIndex: Map<string, string> | undefined;

/** The grammar a name or alias stands for, if wxmp has it. */
function grammarNamed(name: string): string | undefined {
  if (Object.hasOwn(GRAMMARS, name)) return name;
  if (!aliasIndex) {
    aliasIndex = new Map();
    for (const [grammar, entry] of Object.entries(GRAMMARS)) for (const alias of entry.aliases) aliasIndex.set(alias, grammar);
  }
  return aliasIndex.get(name);
}

/** Imports and registers the named grammars and those they embed, once each; later calls for them return at once. */
export async function loadGrammars(names: Iterable<string>): Promise<void> {
  const lowlight = highlighter();
  const wanted = new Set<string>();
  const add = (name: string) => {
    if (wanted.has(name) || lowlight.registered(name) || !Object.hasOwn(GRAMMARS, name)) return;
    wanted.add(name);
    for (const embedded of GRAMMARS[name]!.embeds) add(embedded);
  };
  for (const name of names) add(name);
  if (wanted.size === 0) return;
  const loaded = await Promise.all([...wanted].map(async (name) => [name, (await GRAMMARS[name]!.load()).default] as const));
  lowlight.register(Object.fromEntries(loaded));
}

/** Fence languages that mean "no highlighting" (still labelled when they say something, like `mermaid`). */
const PLAIN_LANGUAGES = new Set(['text', 'txt', 'plain', 'plaintext', 'none', 'nohighlight', 'no-highlight', 'mermaid']);

/** Fence languages shown without a label (they say nothing about the content). */
const UNLABELLED_LANGUAGES = new Set(['text', 'txt', 'plain', 'plaintext', 'none', 'nohighlight', 'no-highlight']);

/**
 * Names we map ourselves before asking highlight.js, whose own aliases (`zsh`, `golang`, `yml`, `tex`…) are in the
 * grammar index. In highlight.js `shell` is the *console session* grammar (only lines starting with a `$` prompt are
 * highlighted), but in posts ```` ```shell ```` almost always holds a plain script, so it goes to `bash`; `console`
 * (a highlight.js alias) and `terminal` keep the session grammar.
 */
const ALIASES: Readonly<Record<string, string>> = {
  shell: 'bash',
  terminal: 'shell',
  vue: 'xml',
  conf: 'ini',
  cfg: 'ini',
};

interface CodeLanguage {
  /** Grammar to highlight with (load it with loadGrammars first), or undefined for plain text. */
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
    const grammar = grammarNamed(candidate);
    resolved = { grammar, label: name, unknown: grammar === undefined };
  }
  if (cache.size > 1000) cache.clear(); // fence names are user input: keep the memo bounded
  cache.set(detach(name), resolved);
  return resolved;
}
