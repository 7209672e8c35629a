/**
 * Per-stage timing of the unified pipeline, for `bench/render.mjs --stages`: wraps `Processor.prototype.use` so
 * that every plugin's transformer (and the parser and compiler a plugin installs) records its time under the
 * plugin's function name. It must be installed before the first processor is built; it works on whatever
 * src/render/processor.ts assembles, so it does not go stale when the pipeline changes.
 * Assumes transformers are synchronous or return promises (no `next` callbacks), as all of ours do.
 */
import { unified } from 'unified';

export function installStageTimer() {
  const totals = new Map();
  const record = (name, ms) => totals.set(name, (totals.get(name) ?? 0) + ms);
  const proto = Object.getPrototypeOf(unified());
  const use = proto.use;

  function timed(name, fn) {
    return function (...args) {
      const t0 = performance.now();
      const out = fn.apply(this, args);
      if (out && typeof out.then === 'function') {
        return out.then((value) => {
          record(name, performance.now() - t0);
          return value;
        });
      }
      record(name, performance.now() - t0);
      return out;
    };
  }

  proto.use = function (plugin, ...rest) {
    if (typeof plugin !== 'function') return use.call(this, plugin, ...rest);
    const name = plugin.name || 'anonymous';
    const attacher = function (...options) {
      const parser = this.parser;
      const compiler = this.compiler;
      const transformer = plugin.apply(this, options);
      if (this.parser && this.parser !== parser) this.parser = timed(`${name} (parse)`, this.parser);
      if (this.compiler && this.compiler !== compiler) this.compiler = timed(`${name} (stringify)`, this.compiler);
      return typeof transformer === 'function' ? timed(name, transformer) : transformer;
    };
    Object.defineProperty(attacher, 'name', { value: name });
    return use.call(this, attacher, ...rest);
  };

  return {
    record,
    /** Stage → total ms, largest first. */
    report() {
      return [...totals].sort((a, b) => b[1] - a[1]);
    },
  };
}
