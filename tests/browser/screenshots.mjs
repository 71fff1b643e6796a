// The README's screenshots: an article and a topic index, 1280x900, light mode.
//
//   node tests/browser/screenshots.mjs                    builds the site (cargo) and serves it
//   node tests/browser/screenshots.mjs <origin> <prefix>  uses a site already served there
//
// Writes docs/screenshots/article.png and docs/screenshots/topic-index.png; fails when one is
// 300 KB or more.
import { mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPO, buildSite, launch, serve } from "./lib.mjs";

const SHOTS = [
  { file: "docs/screenshots/article.png", path: "trials/als/nurown/" },
  { file: "docs/screenshots/topic-index.png", path: "cell-types/" },
];
const MAX_BYTES = 300 * 1024;

let [origin, prefix] = process.argv.slice(2);
let server = null;
let site = null;
if (!origin) {
  prefix = "/cellbook/";
  site = buildSite(`https://example.org${prefix}`);
  ({ origin, server } = await serve(site, prefix));
}

const watchdog = setTimeout(() => {
  console.error("screenshots: timed out");
  process.exit(3);
}, 120_000);

const { context, close } = await launch({ viewport: { width: 1280, height: 900 }, colorScheme: "light", deviceScaleFactor: 1 });
let failed = false;
try {
  for (const shot of SHOTS) {
    const page = await context.newPage();
    await page.goto(`${origin}${prefix}${shot.path}`, { waitUntil: "load" });
    await page.waitForFunction(() => document.fonts.status === "loaded" && (!document.querySelector("#search[data-bundle]") || document.querySelector("#search.is-ready")), null, { timeout: 10_000 });
    const out = join(REPO, shot.file);
    mkdirSync(dirname(out), { recursive: true });
    await page.screenshot({ path: out, type: "png", animations: "disabled", caret: "hide" });
    const size = statSync(out).size;
    console.log(`${shot.file}: ${(size / 1024).toFixed(0)} KB`);
    if (size >= MAX_BYTES) {
      console.error(`${shot.file} is ${size} bytes, more than ${MAX_BYTES}`);
      failed = true;
    }
    await page.close();
  }
} finally {
  await close();
  server?.close();
  if (site) rmSync(dirname(site), { recursive: true, force: true });
  clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);
