// The READMEs quote tested files: a `<!-- snippet: PATH -->` line followed by a fenced code
// block holds PATH's text (relative to the repository). The tests run those files
// (tests/frameworks, tests/runtimes), so a snippet in a README is a program that ran.
//
//   node scripts/snippets.mjs          rewrite the quoted blocks from the files
//   node scripts/snippets.mjs --check  exit 1 and name each block that differs (make test)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const READMES = ["README.md", "pkg-template/README.md"];
// The block's lines stop at the first line that opens with its fence: an empty block
// cannot swallow the next one.
const MARKER = /^<!-- snippet: (\S+) -->\n(`{3,})([\w-]*)\n((?:(?!\2)[^\n]*\n)*)\2$/gm;

/** Every quoted block of a README: { file, start, end, lang, text }. */
export function snippets(readme) {
  const text = fs.readFileSync(path.join(root, readme), "utf8");
  return [...text.matchAll(MARKER)].map((m) => ({ file: m[1], fence: m[2], lang: m[3], text: m[4], whole: m[0] }));
}

function fileText(rel) {
  const file = path.join(root, rel);
  if (!fs.existsSync(file)) {
    throw new Error(`a README quotes ${rel}, which does not exist`);
  }
  const text = fs.readFileSync(file, "utf8").trimEnd();
  return text === "" ? "" : `${text}\n`;
}

function main() {
  const check = process.argv.includes("--check");
  const stale = [];
  for (const readme of READMES) {
    const source = fs.readFileSync(path.join(root, readme), "utf8");
    let out = source;
    for (const s of snippets(readme)) {
      const want = fileText(s.file);
      if (s.text !== want) {
        stale.push(`${readme}: the block quoting ${s.file}`);
        out = out.replace(s.whole, () => `<!-- snippet: ${s.file} -->\n${s.fence}${s.lang}\n${want}${s.fence}`);
      }
    }
    if (!check && out !== source) {
      fs.writeFileSync(path.join(root, readme), out);
    }
  }
  if (check && stale.length > 0) {
    console.error(`stale README snippets (run \`node scripts/snippets.mjs\`):\n  ${stale.join("\n  ")}`);
    process.exit(1);
  }
  if (!check) {
    console.log(stale.length === 0 ? "README snippets up to date" : `rewrote ${stale.length} README snippet(s)`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
