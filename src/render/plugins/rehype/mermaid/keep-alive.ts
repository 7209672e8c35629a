/**
 * An open browser keeps the process alive (its child process and the pipes to it are ref'd handles), so a `wxmp build`
 * that drew a diagram would not end until the browser closed. While the browser is idle, `onlyBrowserLeft` asks Node
 * what still keeps the process alive (process.getActiveResourcesInfo): when nothing is left but one child process and
 * pipes — the browser, talking over --remote-debugging-pipe — the command's work is done and the browser can close,
 * so the process ends at once. A server or a watcher holds other resources (sockets, file watchers, timers) and keeps
 * its browser for the next diagram. A mistake either way costs at most one more browser start, never a diagram.
 */
export function onlyBrowserLeft(): boolean {
  let processes = 0;
  for (const type of process.getActiveResourcesInfo()) {
    if (type === 'ProcessWrap') processes++;
    else if (type !== 'PipeWrap') return false;
  }
  return processes <= 1;
}
