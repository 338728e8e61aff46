/** `npm run bench -- <name>`: runs bench/<name>.ts and prints its figures. */
const BENCHES = ['startup', 'intake', 'queries', 'team', 'evidence', 'documents', 'sweep', 'archive', 'pdf', 'suite', 'embedded'] as const;

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !(BENCHES as readonly string[]).includes(name)) {
    console.error(`usage: npm run bench -- <${BENCHES.join('|')}>`);
    process.exit(2);
  }
  const mod = (await import(`./${name}`)) as { run: () => Promise<void> };
  await mod.run();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
