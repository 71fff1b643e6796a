// The evidence pages in Debian's headless Chromium: the table of every trial (sorted and
// filtered with JavaScript, complete without it), its timeline, the evidence and gap map, the
// list of changes, and Chinese search over the whole atlas.
//
//   node tests/browser/evidence.mjs <origin> <prefix>
//
// Prints "ok - ..." or "FAIL - ..." per check and a closing "N passed, N failed"; exits 1 on any
// failure.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, launch, reportViolations, tally } from "./lib.mjs";

const [origin, prefix] = process.argv.slice(2);
const url = (rel) => `${origin}${prefix}${rel}`;
const watchdog = setTimeout(() => {
  console.error("FAIL - the evidence checks did not finish within 180 s");
  process.exit(3);
}, 180_000);

const AXE = readFileSync(join(REPO, "node_modules/axe-core/axe.min.js"), "utf8");
const { check, report } = tally();

const { context, close } = await launch();
// Any Content-Security-Policy violation becomes a console error, which fails the run below.
await context.addInitScript(reportViolations);
const problems = [];
async function open(rel, options = {}) {
  const page = await context.newPage();
  if (options.width) await page.setViewportSize({ width: options.width, height: 844 });
  if (options.scheme) await page.emulateMedia({ colorScheme: options.scheme });
  if (options.noScript) await page.route("**/*.js", (route) => route.abort());
  page.on("console", (m) => (m.type() === "error" || m.type() === "warning") && !options.noScript && problems.push(`${rel}: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`${rel}: ${e.message}`));
  await page.goto(url(rel), { waitUntil: "load" });
  return page;
}

const rowIds = (page) => page.$$eval("#trial-table tbody tr", (rows) => rows.filter((r) => !r.hidden).map((r) => r.id));

try {
  // Without JavaScript: every row, no filters offered.
  {
    const page = await open("trials/all/", { noScript: true });
    const rows = await rowIds(page);
    const filtersHidden = await page.$eval(".trial-filters", (f) => f.hidden);
    check("without JavaScript the trials table lists every trial", rows.length >= 30, `${rows.length} rows`);
    check("without JavaScript the filters stay hidden", filtersHidden);
    await page.close();
  }
  // With it: sorting by people, then filtering by result.
  {
    const page = await open("trials/all/");
    const all = await rowIds(page);
    await page.click("#trial-table thead th:nth-child(5) button.sort");
    const sizes = await page.$$eval("#trial-table tbody tr td:nth-child(5)", (cells) => cells.map((c) => Number(c.getAttribute("data-value"))));
    const ascending = sizes.every((n, i) => i === 0 || sizes[i - 1] <= n);
    check("sorting by the number of people orders the rows", ascending && sizes.length === all.length, `${sizes.join(",")}`);
    const sorted = await page.$eval("#trial-table thead th:nth-child(5)", (th) => th.getAttribute("aria-sort"));
    check("the sorted column says so to screen readers", sorted === "ascending", `aria-sort=${sorted}`);
    await page.selectOption('.trial-filters select[data-filter="result"]', "primary-missed");
    const missed = await rowIds(page);
    const labels = await page.$$eval("#trial-table tbody tr:not([hidden])", (rows) => rows.map((r) => r.getAttribute("data-f-result")));
    check("filtering by result shows only those trials", missed.length > 0 && missed.length < all.length && labels.every((l) => l === "primary-missed"), `${missed.length} of ${all.length}`);
    const count = await page.$eval(".trial-count", (p) => p.textContent);
    check("the number of trials shown is announced", count.startsWith(`${missed.length} of ${all.length}`), count);
    const title = await page.$eval("svg.timeline > title", (t) => t.textContent);
    const desc = await page.$eval("svg.timeline > desc", (t) => t.textContent);
    check("the timeline has a text alternative", title.length > 5 && desc.includes("trials"), `${title} / ${desc}`);
    await page.close();
  }
  // Accessibility of the new pages, light and dark.
  for (const scheme of ["light", "dark"]) {
    for (const rel of ["trials/all/", "matrix/", "changes/", "trials/overdue/", "zh/trials/all/"]) {
      const page = await open(rel, { scheme });
      // Through the DevTools protocol: the page's policy would refuse an inline <script> tag.
      await page.evaluate(AXE);
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] });
        return result.violations.map((v) => `${v.id}: ${v.nodes.length}`);
      });
      check(`axe: ${rel} in ${scheme} mode`, violations.length === 0, violations.join("; "));
      await page.close();
    }
  }
  // The map at 390 px: no horizontal scroll; opening a cell lists its studies; filters work.
  {
    const page = await open("matrix/", { width: 390 });
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    check("no horizontal scroll at 390 px: evidence map", fits);
    const summary = await page.$(".matrix-cell details summary");
    await summary.click();
    const opened = await page.$eval(".matrix-cell details", (d) => d.open && d.querySelectorAll(".cell-trials a, .matrix-pages a").length > 0);
    check("opening a cell of the map lists its studies with links", opened);
    await page.close();
  }
  {
    const page = await open("matrix/");
    await page.selectOption('.matrix-filters select[data-filter="evidence"]', "randomised-trial");
    const state = await page.evaluate(() => {
      const items = [...document.querySelectorAll(".cell-trials li")];
      const shown = items.filter((li) => !li.hidden);
      return { all: items.length, shown: shown.length, ok: shown.every((li) => li.getAttribute("data-f-evidence") === "randomised-trial") };
    });
    check("the map's design filter keeps only randomised trials", state.ok && state.shown > 0 && state.shown < state.all, JSON.stringify(state));
    await page.close();
  }
  {
    const page = await open("trials/all/", { width: 390 });
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    check("no horizontal scroll at 390 px: trials table (the table scrolls in its own box)", fits);
    await page.close();
  }
  // Chinese search finds a page that exists only since every page was translated.
  {
    const page = await open("zh/");
    await page.waitForSelector("#search input", { timeout: 15_000 });
    await page.fill("#search input", "同情使用");
    await page.waitForSelector("#search .pagefind-ui__result-link", { timeout: 15_000 }).catch(() => {});
    const links = await page.$$eval("#search .pagefind-ui__result-link", (as) => as.map((a) => a.getAttribute("href")));
    check(
      "a Chinese search that only the new Chinese pages answer finds one",
      links.some((h) => h.includes("/zh/guide/expanded-access-and-right-to-try/")),
      links.slice(0, 5).join(", "),
    );
    await page.close();
  }
  check("no console error, warning or Content-Security-Policy violation on the evidence pages", problems.length === 0, problems.slice(0, 5).join("\n    "));
} finally {
  await close();
  clearTimeout(watchdog);
}
report("evidence");
