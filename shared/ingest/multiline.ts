/**
 * Multi-line events: which lines continue the event before them (stack traces, tracebacks,
 * panics), and the cap that keeps one event's memory bounded.
 */

/** Most lines one event keeps (its first line included); the rest is cut and counted. */
export const MAX_EVENT_LINES = 500;
/** Most bytes (UTF-16 units, close enough) one event keeps. */
export const MAX_EVENT_CHARS = 256 * 1024;

// Java/Scala/Node/.NET frames (`\tat x.y(Z.java:1)`, `    at f (file.js:1:2)`, `   at N.M() in f.cs:line 3`),
// Java's `Caused by:` / `Suppressed:` / `... 12 more` / `... 3 common frames omitted`, .NET's end markers.
const FRAME = /^\s+at\s+\S/;
const JAVA_TAIL = /^\s*(?:Caused by: |Suppressed: |\.\.\. \d+ (?:more|common frames omitted)\s*$)/;
const DOTNET_MARK = /^\s*--- End of (?:inner exception stack trace|stack trace from previous location)/;
// A qualified exception line that heads a trace: `java.lang.IllegalStateException: boom`, `org.x.FooError`.
const QUALIFIED_EXCEPTION = /^(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Fault)(?::\s.*)?$/;
const PY_TRACEBACK = 'Traceback (most recent call last):';
const PY_CHAIN = /^(?:During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)$/;
const GO_GOROUTINE = /^goroutine \d+ \[[^\]]*\]:$/;
const GO_FRAME = /^(?:created by |[\w./*()\-[\]{}]+\(.*\)$|\t\S.*\.go:\d+|exit status \d+$|\[signal )/;

/** Does this line, on its own, look like the continuation of a stack trace (used when sniffing)? */
export function isStackLine(line: string): boolean {
  const first = line.charCodeAt(0);
  if (first === 32 || first === 9) return FRAME.test(line) || JAVA_TAIL.test(line) || DOTNET_MARK.test(line) || line.trimStart().startsWith('File "');
  return JAVA_TAIL.test(line) || DOTNET_MARK.test(line) || line === PY_TRACEBACK || GO_GOROUTINE.test(line);
}

/**
 * Decides, line by line, whether a line without a header of its own continues the event before it.
 * Stateful because Python tracebacks and Go panics are blocks: inside one, indented lines and the
 * closing exception line belong to it although they look like nothing in particular.
 */
export class StackFolder {
  private block: 'none' | 'python' | 'go' = 'none';

  /** Forget the block state (a new file, or a line that started a new event). */
  reset(): void {
    this.block = 'none';
  }

  /**
   * True when `line` continues the current event. `hasEvent` says whether there is one to continue;
   * a line that starts a new event resets the block state.
   */
  continues(line: string, hasEvent: boolean): boolean {
    const first = line.charCodeAt(0);
    const indented = first === 32 || first === 9;
    if (this.block === 'python') {
      if (indented || PY_CHAIN.test(line) || line === PY_TRACEBACK) return true;
      // The closing `ValueError: bad value` line ends the block and belongs to it.
      this.block = 'none';
      return /^[A-Za-z_][\w.]*(?::|$)/.test(line);
    }
    if (this.block === 'go') {
      if (indented || GO_FRAME.test(line) || GO_GOROUTINE.test(line) || line.length === 0) return true;
      this.block = 'none';
      return false;
    }
    if (line.startsWith('panic: ') || line.startsWith('fatal error: ')) {
      // A Go panic starts its own event; its goroutine dump follows.
      this.block = 'go';
      return false;
    }
    if (!hasEvent) return false;
    if (line === PY_TRACEBACK) {
      this.block = 'python';
      return true;
    }
    if (GO_GOROUTINE.test(line)) {
      this.block = 'go';
      return true;
    }
    if (indented) return FRAME.test(line) || JAVA_TAIL.test(line) || DOTNET_MARK.test(line);
    return JAVA_TAIL.test(line) || DOTNET_MARK.test(line) || QUALIFIED_EXCEPTION.test(line);
  }
}
