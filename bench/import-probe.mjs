// One fresh process of bench/import-time.ts: imports each specifier in turn and prints the
// milliseconds from the first import to the end of the last, then the CPU milliseconds the
// process spent in that time (steadier than the wall clock when other work shares the machine).
const started = performance.now();
const cpu = process.cpuUsage();
for (const specifier of process.argv.slice(2)) await import(specifier);
const used = process.cpuUsage(cpu);
process.stdout.write(`${performance.now() - started} ${(used.user + used.system) / 1000}`);
