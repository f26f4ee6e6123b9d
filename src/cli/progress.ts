/** stderr when it is a terminal: the entry point sets it only then, so pipes and logs get no progress. */
export interface Terminal {
  write(text: string): void;
}

/** One line, rewritten in place, that says how far a long command has got. */
export interface Progress {
  update(line: string): void;
  /** Clears the line, so the command's result is printed on a clean one. */
  end(): void;
}

/** Ten redraws a second at most: a loop over many records costs nothing for its progress. */
const REDRAW_MS = 100;

/** Progress on `terminal`, or none when there is no terminal (or the command prints JSON). */
export function progress(terminal: Terminal | undefined, now: () => number = Date.now): Progress {
  if (terminal === undefined) return { update: () => {}, end: () => {} };
  let drawnAt: number | undefined;
  return {
    update(line) {
      const t = now();
      if (drawnAt !== undefined && t - drawnAt < REDRAW_MS) return;
      drawnAt = t;
      // Carriage return, the line, then erase whatever a longer earlier line left to the right.
      terminal.write(`\r${line}\x1b[K`);
    },
    end() {
      if (drawnAt !== undefined) terminal.write('\r\x1b[K');
      drawnAt = undefined;
    },
  };
}
