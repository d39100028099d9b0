// Builds the console into the directory given as the first argument:
//   <dir>/index.html          (served for GET /)
//   <dir>/assets/app.js       (src/main.jsx and everything it imports, Preact included)
//   <dir>/assets/app.css      (src/app.css, imported by main.jsx)
//   <dir>/assets/favicon.svg
//   <dir>/assets/preact-LICENSE.txt (Preact's MIT licence, which its copies must carry)
//   <dir>/assets/uplot-LICENSE.txt  (uPlot's MIT licence, the same; the charts of chart.jsx)
// esbuild's JS API, no config files. The output is one script and one style
// sheet loaded by <script src> and <link>: the console's Content-Security-Policy
// allows no inline script or style. Usage: node build.mjs <dir> [--dev]
//   --dev: not minified, with source maps (for looking at the code in a browser).
import * as esbuild from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outArg = args.find((a) => !a.startsWith("--"));
if (!outArg) {
  console.error("usage: node build.mjs <output directory> [--dev]");
  process.exit(2);
}
const dev = args.includes("--dev");
const out = path.resolve(outArg);
const assets = path.join(out, "assets");

fs.rmSync(assets, { recursive: true, force: true });
fs.mkdirSync(assets, { recursive: true });

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { app: "src/main.jsx" },
  bundle: true,
  outdir: assets,
  format: "iife",
  target: ["chrome110", "firefox115", "safari16"],
  jsx: "automatic",
  jsxImportSource: "preact",
  minify: !dev,
  sourcemap: dev ? "linked" : false,
  legalComments: "none",     // Preact's and uPlot's licences are copied beside the bundle instead (below)
  charset: "utf8",
  define: { "process.env.NODE_ENV": dev ? '"development"' : '"production"' },
  logLevel: "warning",
  metafile: true,
});
fs.copyFileSync(path.join(here, "index.html"), path.join(out, "index.html"));
fs.copyFileSync(path.join(here, "favicon.svg"), path.join(assets, "favicon.svg"));
fs.copyFileSync(path.join(here, "node_modules/preact/LICENSE"), path.join(assets, "preact-LICENSE.txt"));
fs.copyFileSync(path.join(here, "node_modules/uplot/LICENSE"), path.join(assets, "uplot-LICENSE.txt"));

const sizes = Object.entries(result.metafile.outputs)
  .map(([f, o]) => `${path.relative(out, path.resolve(here, f))} ${(o.bytes / 1024).toFixed(1)} KiB`);
console.log(`console built into ${out}: ${sizes.join(", ")}`);
