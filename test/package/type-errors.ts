/**
 * tsc's errors (run with `--pretty false`), split into those in grantkit's declarations or the
 * fixture's own code, which fail the test, and those inside another package's declarations,
 * which are that package's to fix: with skipLibCheck off, @types/koa trips over the types that
 * content-disposition now ships, for one.
 */
export function typeErrors(output: string): { ours: string[]; theirs: string[] } {
  const errors: string[] = [];
  for (const line of output.split('\n')) {
    if (/^\S.*error TS\d+:/.test(line)) errors.push(line);
    else if (line.trim() !== '' && errors.length > 0) errors[errors.length - 1] += `\n${line}`;
  }
  const theirs = (error: string): boolean => error.startsWith('node_modules/') && !error.startsWith('node_modules/grantkit/');
  return { ours: errors.filter((e) => !theirs(e)), theirs: errors.filter(theirs) };
}
