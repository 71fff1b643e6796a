// Live reload under `cellbook serve`, in Debian's headless Chromium, with the pages'
// Content-Security-Policy in force: the reload script (a file the server adds to each page) runs,
// a saved edit reloads the open tab, a broken build shows its overlay and a fix clears it, and no
// policy violation or console error happens on the way.
//
//   node tests/browser/reload.mjs <origin> <site root>
//
// Prints "ok - ..." / "FAIL - ..." lines and "reload: N passed, N failed"; exits 1 on any failure.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launch, reportViolations } from "./lib.mjs";

const [origin, root] = process.argv.slice(2);
const watchdog = setTimeout(() => {
  console.error("FAIL - the reload checks did not finish within 120 s");
  process.exit(3);
}, 120_000);

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed += 1;
  else failed += 1;
  console.log(`${ok ? "ok" : "FAIL"} - ${name}${!ok && detail ? `\n    ${detail}` : ""}`);
}

const problems = [];
const { context, close } = await launch();
const page = await context.newPage();
page.on("console", (m) => {
  if (m.type() === "error" || /Content.Security.Policy|CSP violation/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
});
page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
await page.addInitScript(reportViolations);

const source = join(root, "content/conditions/als.md");
const original = readFileSync(source, "utf8");
const save = (text) => writeFileSync(source, text);
const shows = (text) => page.waitForFunction((t) => document.body && document.body.textContent.includes(t), text, { timeout: 30_000 }).then(() => true, () => false);

try {
  await page.goto(`${origin}/conditions/als/`, { waitUntil: "load" });
  const policy = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content || "");
  check("the served page carries the Content-Security-Policy", policy.includes("script-src 'self'"), policy);
  // The script connects to the event stream once loaded; give it that moment.
  await page.waitForTimeout(1_000);

  save(`${original}\n\nA paragraph added while the page was open.\n`);
  check("a saved edit reloads the open page", await shows("A paragraph added while the page was open."));

  save(`${original}\n\nA [broken link](nowhere.md).\n`);
  const overlay = await page.waitForSelector("#cellbook-error-overlay", { timeout: 30_000 }).then(() => true, () => false);
  const text = overlay ? await page.locator("#cellbook-error-overlay pre").textContent() : "";
  check("a broken build shows the overlay with the error", overlay && text.includes("nowhere.md"), text);

  save(original);
  const cleared = await page.waitForFunction(() => !document.getElementById("cellbook-error-overlay") && !document.body.textContent.includes("A paragraph added"), null, { timeout: 30_000 }).then(() => true, () => false);
  check("fixing it clears the overlay and reloads the page", cleared);
} finally {
  save(original);
}
check("no policy violation and no console error during live reload", problems.length === 0, problems.join("\n    "));

await close();
clearTimeout(watchdog);
console.log(`reload: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
