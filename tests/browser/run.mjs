// The reader-experience checks of the built site, in Debian's headless Chromium.
//
//   node tests/browser/run.mjs <origin> <prefix>
//   e.g. node tests/browser/run.mjs http://127.0.0.1:8080 /cellbook/
//
// The site must be served under <prefix> (tests/browser.rs builds and serves it). Prints one line
// per check ("ok - ..." or "FAIL - ...") and a closing "N passed, N failed"; exits 1 on any failure.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, launch, reportViolations, tally } from "./lib.mjs";

const [origin, prefix] = process.argv.slice(2);
if (!origin || !prefix || !prefix.startsWith("/") || !prefix.endsWith("/")) {
  console.error("usage: node tests/browser/run.mjs <origin> </prefix/>");
  process.exit(2);
}
const url = (rel) => `${origin}${prefix}${rel}`;
const started = Date.now();

// Every wait below is bounded; this bounds the whole run as well.
const LIMIT_MS = 240_000;
const watchdog = setTimeout(() => {
  console.error(`FAIL - the browser checks did not finish within ${LIMIT_MS / 1000} s`);
  process.exit(3);
}, LIMIT_MS);

const AXE = readFileSync(join(REPO, "node_modules/axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

// The pages every check visits: one of each kind, in English, plus the Chinese home page.
const PAGES = {
  home: "",
  article: "conditions/als/",
  "article with code": "about/editors-guide/",
  section: "conditions/",
  "topic index": "cell-types/",
  term: "cell-types/msc-bone-marrow/",
  matrix: "matrix/",
  "Chinese home": "zh/",
  "Chinese article": "zh/conditions/als/",
  "not-found page": "404.html",
};
const AXE_PAGES = ["home", "article", "article with code", "section", "topic index", "term", "matrix", "Chinese home", "Chinese article", "not-found page"];
const NARROW_PAGES = ["home", "article", "section", "topic index", "term", "matrix", "Chinese home", "Chinese article"];
// How the page is asked to look: the system preference, and the site's own toggle (localStorage).
const MODES = [
  { name: "light", scheme: "light", theme: null, dark: false },
  { name: "dark (system)", scheme: "dark", theme: null, dark: true },
  { name: "dark (toggle)", scheme: "light", theme: "dark", dark: true },
  { name: "light (toggle on a dark system)", scheme: "dark", theme: "light", dark: false },
];

const { check, report } = tally();
async function step(name, fn) {
  try {
    await fn();
  } catch (error) {
    check(name, false, error.stack || error);
  }
}

// Console errors (and any console message about the Content-Security-Policy, whatever its level),
// uncaught exceptions, failed and >= 400 requests of every page opened.
const CSP = /Content.Security.Policy|CSP violation/i;
const problems = [];
const visited = new Set();
const { context, close } = await launch();

/** Opens a new tab at `rel`; the theme (null = none stored) is set before any script runs. */
async function open(rel, { scheme = "light", theme = null, width = 1280, height = 900 } = {}) {
  const page = await context.newPage();
  const where = () => page.url().replace(origin, "");
  page.on("console", (m) => {
    if (m.type() === "error" || CSP.test(m.text())) problems.push(`${where()}: console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${where()}: uncaught: ${e.message}`));
  page.on("requestfailed", (r) => {
    // ERR_ABORTED: a request the test's own navigation cancelled (a missing file answers 404,
    // which the "response" handler reports).
    const error = r.failure()?.errorText || "";
    if (!page.isClosed() && error !== "net::ERR_ABORTED") problems.push(`${where()}: request failed: ${r.url()} (${error})`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${where()}: HTTP ${r.status()}: ${r.url()}`);
  });
  await page.setViewportSize({ width, height });
  await page.emulateMedia({ colorScheme: scheme });
  await page.addInitScript(reportViolations);
  await page.addInitScript((t) => {
    if (sessionStorage.getItem("cellbook-test-keep")) return;
    if (t) localStorage.setItem("cellbook-theme", t);
    else localStorage.removeItem("cellbook-theme");
  }, theme);
  const response = await page.goto(url(rel), { waitUntil: "load" });
  if (!response || response.status() !== 200) throw new Error(`${url(rel)}: HTTP ${response?.status()}`);
  visited.add(rel);
  await settle(page);
  if (!(await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')))) {
    problems.push(`${where()}: no Content-Security-Policy <meta>`);
  }
  return page;
}

/** Waits until fonts are loaded and the search box has been set up (or has no index). */
async function settle(page) {
  await page.waitForFunction(
    () => {
      const box = document.getElementById("search");
      const searchDone = !box || !box.hasAttribute("data-bundle") || box.classList.contains("is-ready");
      return document.readyState === "complete" && document.fonts.status === "loaded" && searchDone;
    },
    null,
    { timeout: 10_000 },
  );
}

/** Relative luminance (0 = black, 1 = white) of the colour the page is painted with. */
async function backgroundLuminance(page) {
  return page.evaluate(() => {
    const paint = (el) => getComputedStyle(el).backgroundColor;
    let colour = paint(document.body);
    if (/rgba\(0, 0, 0, 0\)|transparent/.test(colour)) colour = paint(document.documentElement);
    const [r, g, b] = (colour.match(/[\d.]+/g) || ["255", "255", "255"]).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  });
}

async function axe(page) {
  // Through the DevTools protocol, which the page's Content-Security-Policy does not govern (an
  // inline <script> tag would be refused, and reported).
  await page.evaluate(AXE);
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ").slice(0, 300)}`),
      count: v.nodes.length,
    }));
  }, AXE_TAGS);
}

const describe = (violations) =>
  violations.map((v) => `${v.id} (${v.impact}, ${v.count} element${v.count > 1 ? "s" : ""}): ${v.help}\n${v.nodes.map((n) => `  - ${n}`).join("\n")}`).join("\n");

// ---------------------------------------------------------------- accessibility
for (const mode of MODES) {
  for (const name of AXE_PAGES) {
    const label = `axe ${AXE_TAGS.join(",")}: ${name} (${PAGES[name] || "/"}) in ${mode.name} mode`;
    await step(label, async () => {
      const page = await open(PAGES[name], { scheme: mode.scheme, theme: mode.theme });
      const theme = await page.evaluate(() => document.documentElement.getAttribute("data-theme"));
      const luminance = await backgroundLuminance(page);
      if (theme !== mode.theme || (mode.dark ? luminance > 0.2 : luminance < 0.5)) {
        check(label, false, `the page is not in ${mode.name} mode: data-theme=${theme}, background luminance ${luminance.toFixed(2)}`);
      } else {
        const violations = await axe(page);
        check(label, violations.length === 0, describe(violations));
      }
      await page.close();
    });
  }
}

// ---------------------------------------------------------------- narrow screens
for (const name of NARROW_PAGES) {
  const label = `no horizontal scroll at 390 px: ${name} (${PAGES[name] || "/"})`;
  await step(label, async () => {
    const page = await open(PAGES[name], { width: 390, height: 844 });
    const { scrollWidth, innerWidth, wide } = await page.evaluate(() => {
      const w = window.innerWidth;
      const wide = [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > w + 1 && el.getClientRects().length)
        .filter((el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= w + 1)
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className && typeof el.className === "string" ? `.${el.className.trim().split(/\s+/).join(".")}` : ""} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: w, wide };
    });
    check(label, scrollWidth <= innerWidth, `scrollWidth ${scrollWidth} > innerWidth ${innerWidth}; wider than the screen: ${wide.join(", ")}`);
    // The menu folds away on a narrow screen, and opens.
    const drawer = page.locator("#sidebar");
    if (await drawer.count()) {
      const folded = !(await drawer.evaluate((d) => d.open));
      await page.locator("#sidebar > summary").click();
      const opened = await drawer.evaluate((d) => d.open);
      const width = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      check(`the menu starts folded at 390 px, opens, and still fits: ${name}`, folded && opened && width, `folded at first: ${folded}, opened: ${opened}, fits: ${width}`);
    }
    await page.close();
  });
}

// ---------------------------------------------------------------- search
/** Types `query` into the search box and returns the result links' paths (bounded wait). */
async function search(page, query) {
  const input = page.locator("#search input.pagefind-ui__search-input");
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.click();
  await page.evaluate(() => { window.__searchState = null; });
  await input.fill(query);
  // Results arrive in steps (the count first, then each result's data): wait until the message
  // names this query (a box searched before still shows the last one's results for a moment)
  // and the list has not changed for half a second.
  await page.waitForFunction(
    (query) => {
      const box = document.querySelector("#search");
      const message = box.querySelector(".pagefind-ui__message")?.textContent || "";
      const links = [...box.querySelectorAll(".pagefind-ui__result-link")].map((a) => a.href).join(" ");
      const loading = box.querySelector(".pagefind-ui__loading, .pagefind-ui__result-title.pagefind-ui__loading");
      const state = `${message}|${links}|${Boolean(loading)}`;
      const now = Date.now();
      if (window.__searchState !== state) {
        window.__searchState = state;
        window.__searchSince = now;
        return false;
      }
      return message.includes(query) && !loading && now - window.__searchSince >= 500;
    },
    query,
    { timeout: 15_000, polling: 100 },
  );
  return page.$$eval("#search .pagefind-ui__result-link", (links) => links.map((a) => new URL(a.href).pathname + new URL(a.href).hash));
}

await step("search in English finds the NurOwn article under the sub-path", async () => {
  const page = await open(PAGES.article);
  const paths = await search(page, "NurOwn");
  const target = `${prefix}trials/als/nurown/`;
  check(`search "NurOwn" on ${PAGES.article} lists ${target}`, paths.some((p) => p.split("#")[0] === target), `results: ${paths.join(", ") || "(none)"}`);
  const outside = paths.filter((p) => !p.startsWith(prefix) || p.startsWith(`${prefix}${prefix.slice(1)}`));
  check(`every search result link stays under ${prefix} (no doubled prefix)`, paths.length > 0 && outside.length === 0, `outside: ${outside.join(", ")}`);
  check("English search lists English pages only", paths.every((p) => !p.startsWith(`${prefix}zh/`)), paths.join(", "));
  // Following the result opens the article.
  const link = page.locator(`#search .pagefind-ui__result-link[href^="${target}"], #search .pagefind-ui__result-link[href^="${origin}${target}"]`).first();
  if (await link.count()) {
    await Promise.all([page.waitForURL(`**${target}**`, { timeout: 15_000 }), link.click()]);
    const title = await page.locator("h1").first().textContent();
    check("clicking the NurOwn result opens the article", /NurOwn/i.test(title || ""), `h1: ${title}`);
  } else {
    check("clicking the NurOwn result opens the article", false, "no link to click");
  }
  await page.close();
});

await step("search results can be narrowed by cell type, disease and evidence", async () => {
  const page = await open(PAGES.article);
  await search(page, "trial");
  const groups = await page.$$eval("#search .pagefind-ui__filter-panel summary, #search .pagefind-ui__filter-name", (els) =>
    els.map((e) => e.textContent.trim()),
  );
  for (const group of ["Cell types", "Diseases", "Study design", "What the evidence found"]) {
    check(`the search offers a "${group}" filter`, groups.some((g) => g.startsWith(group)), `filters: ${groups.join(", ") || "(none)"}`);
  }
  await page.close();
});

// The evidence behind each result, shown before the click: its section, and the design label
// with its result beside it, as the article shows them.
await step("search results show the section and the evidence labels of the page", async () => {
  const article = await open("trials/als/nurown/");
  const onPage = await article.$$eval("main .evidence-pair .badge", (badges) => badges.slice(0, 2).map((b) => b.textContent.replace(/\s+/g, " ").trim()));
  await article.close();
  const page = await open(PAGES.home);
  await search(page, "NurOwn");
  const tags = await page.$$eval("#search .pagefind-ui__result:first-child .pagefind-ui__result-tag", (li) => li.map((t) => t.textContent.trim()));
  const expected = ["Section: ALS trials", ...onPage.map((b) => b.replace(/:\s*/, ": "))];
  check(
    "the NurOwn result shows its section, then its design and its result as the article does",
    onPage.length === 2 && JSON.stringify(tags) === JSON.stringify(expected),
    `under the result: ${JSON.stringify(tags)}; expected ${JSON.stringify(expected)}`,
  );
  // A term's page says which vocabulary it belongs to.
  await search(page, "intrathecal");
  const topic = await page.$$eval("#search .pagefind-ui__result:first-child .pagefind-ui__result-tag", (li) => li.map((t) => t.textContent.trim()));
  check("a term page's result names its vocabulary", JSON.stringify(topic) === JSON.stringify(["Topic: Delivery routes"]), `under the result: ${JSON.stringify(topic)}`);
  // A page found by an alias alone (the words are in no heading or sentence) still shows how it begins.
  await search(page, "Lou Gehrig");
  const excerpt = await page.locator("#search .pagefind-ui__result:first-child .pagefind-ui__result-excerpt").first().textContent().catch(() => "");
  check("a page found by its alias alone shows an excerpt", /What ALS is/.test(excerpt || ""), `excerpt: ${JSON.stringify(excerpt)}`);
  await page.close();
  const chinese = await open(PAGES["Chinese home"]);
  await search(chinese, "渐冻症");
  const zhTags = await chinese.$$eval("#search .pagefind-ui__result:first-child .pagefind-ui__result-tag", (li) => li.map((t) => t.textContent.trim()));
  check("a Chinese result names its section in Chinese", JSON.stringify(zhTags) === JSON.stringify(["栏目: 疾病"]), `under the result: ${JSON.stringify(zhTags)}`);
  await chinese.close();
});

// tests/search-relevance.txt: what readers type, and the page that must come first.
const RELEVANCE = readFileSync(join(REPO, "tests/search-relevance.txt"), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"))
  .map((line) => line.split("|").map((field) => field.trim()));
check(
  "tests/search-relevance.txt has at least 30 queries, in English and in Chinese",
  RELEVANCE.length >= 30 && RELEVANCE.every((r) => r.length === 3) && ["en", "zh"].every((l) => RELEVANCE.some((r) => r[0] === l)),
  `${RELEVANCE.length} queries; malformed: ${RELEVANCE.filter((r) => r.length !== 3).map((r) => r.join("|")).join("; ")}`,
);
for (const lang of new Set(RELEVANCE.map((r) => r[0]))) {
  await step(`search relevance in ${lang}`, async () => {
    // The language's start page: the main language's is the site's root.
    const page = await open(lang === "en" ? PAGES.home : `${lang}/`);
    for (const [, query, expected] of RELEVANCE.filter((r) => r[0] === lang)) {
      const paths = (await search(page, query)).map((p) => p.split("#")[0]);
      check(
        `search relevance (${lang}): "${query}" lists /${expected} first`,
        paths[0] === `${prefix}${expected}`,
        `came first instead: ${paths[0] || "(no results)"}; then ${paths.slice(1, 4).join(", ") || "nothing"}`,
      );
    }
    await page.close();
  });
}

for (const word of ["肌萎缩", "间充质"]) {
  await step(`search in Chinese for ${word}`, async () => {
    const page = await open(PAGES["Chinese home"]);
    const paths = await search(page, word);
    check(`search "${word}" on /zh/ finds Chinese pages`, paths.some((p) => p.startsWith(`${prefix}zh/`)), `results: ${paths.join(", ") || "(none)"}`);
    check(`Chinese search "${word}" lists Chinese pages only, under ${prefix}`, paths.length > 0 && paths.every((p) => p.startsWith(`${prefix}zh/`)), paths.join(", "));
    await page.close();
  });
}

// The results list is the search UI's own markup, styled by the theme: check it in both modes,
// and on a narrow screen.
for (const mode of [MODES[0], MODES[2]]) {
  const label = `axe ${AXE_TAGS.join(",")}: search results open (article) in ${mode.name} mode`;
  await step(label, async () => {
    const page = await open(PAGES.article, { scheme: mode.scheme, theme: mode.theme });
    const paths = await search(page, "mesenchymal");
    const violations = await axe(page);
    check(label, paths.length > 0 && violations.length === 0, paths.length ? describe(violations) : "no results to check");
    await page.close();
  });
}
await step("search results fit a 390 px screen", async () => {
  const page = await open(PAGES.home, { width: 390, height: 844 });
  const paths = await search(page, "mesenchymal");
  const fits = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check("no horizontal scroll at 390 px with search results open", paths.length > 0 && fits[0] <= fits[1], `results: ${paths.length}, scrollWidth ${fits[0]}, innerWidth ${fits[1]}`);
  await page.close();
});

await step("a search with no match says so", async () => {
  const page = await open(PAGES.home);
  const paths = await search(page, "zzqxjvnotaword");
  const message = await page.locator("#search .pagefind-ui__message").textContent({ timeout: 5_000 }).catch(() => "");
  check("a search with no match shows no results and a message", paths.length === 0 && /no results/i.test(message), `results: ${paths.join(", ")}; message: ${message}`);
  await page.close();
});

// ---------------------------------------------------------------- theme toggle
await step("the theme toggle", async () => {
  const page = await open(PAGES.article, { scheme: "light", theme: null });
  // From here on the page keeps what the toggle stored (the init script leaves storage alone).
  await page.evaluate(() => sessionStorage.setItem("cellbook-test-keep", "1"));
  const button = page.locator("#theme-toggle");
  const visible = await button.isVisible();
  const name = visible ? (await button.evaluate((b) => b.getAttribute("aria-label") || b.textContent)).trim() : "";
  check("the theme toggle is shown and has an accessible name", visible && name.length > 0, `visible: ${visible}, name: ${JSON.stringify(name)}`);
  const theme = () => page.evaluate(() => document.documentElement.getAttribute("data-theme"));
  const before = await theme();
  const seen = [before];
  for (let i = 0; i < 3 && (await theme()) !== "dark"; i += 1) {
    await button.click();
    seen.push(await theme());
  }
  check("clicking the toggle changes data-theme, reaching dark", seen.at(-1) === "dark" && seen.every((t, i) => i === 0 || t !== seen[i - 1]), `data-theme after each click: ${seen.join(" -> ")}`);
  await page.waitForFunction(() => {
    const c = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
    return c[0] + c[1] + c[2] < 200;
  }, null, { timeout: 5_000 }).catch(() => {});
  const darkLuminance = await backgroundLuminance(page);
  check("in dark mode the page is dark", darkLuminance < 0.2, `background luminance ${darkLuminance.toFixed(2)}`);
  await page.reload({ waitUntil: "load" });
  await settle(page);
  const stored = await page.evaluate(() => localStorage.getItem("cellbook-theme"));
  check("the choice survives a reload (localStorage)", (await theme()) === "dark" && stored === "dark" && (await backgroundLuminance(page)) < 0.2, `data-theme ${await theme()}, stored ${stored}`);
  await page.goto(url(PAGES["topic index"]), { waitUntil: "load" });
  await settle(page);
  check("the choice holds on the next page", (await theme()) === "dark", `data-theme ${await theme()}`);
  // Back to automatic: the toggle cycles auto -> light -> dark -> auto.
  for (let i = 0; i < 3 && (await theme()) !== null; i += 1) await page.locator("#theme-toggle").click();
  await page.reload({ waitUntil: "load" });
  await settle(page);
  check("the toggle returns to the system setting, and that survives a reload", (await theme()) === null && (await page.evaluate(() => localStorage.getItem("cellbook-theme"))) === null, `data-theme ${await theme()}`);
  await page.close();
});

// ---------------------------------------------------------------- keyboard
for (const name of ["home", "article", "matrix"]) {
  await step(`keyboard: skip link on ${name}`, async () => {
    const page = await open(PAGES[name]);
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => {
      const el = document.activeElement;
      const r = el.getBoundingClientRect();
      return { skip: el.matches("a.skip-link[href='#main']"), html: el.outerHTML.slice(0, 120), shown: r.width > 1 && r.height > 1 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight };
    });
    check(`keyboard (${name}): the first Tab focuses the skip link, which is then visible`, first.skip && first.shown, `focused: ${first.html}, visible: ${first.shown}`);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === "main", null, { timeout: 3_000 }).catch(() => {});
    const focused = await page.evaluate(() => `${document.activeElement.tagName.toLowerCase()}#${document.activeElement.id}`);
    check(`keyboard (${name}): Enter on the skip link moves focus to <main>`, focused === "main#main", `focused: ${focused}`);
    await page.close();
  });
}

// ---------------------------------------------------------------- language switch
await step("the language menu opens the same page in Chinese", async () => {
  const page = await open(PAGES.article);
  await page.locator(".lang-menu > summary").click();
  const link = page.locator('.lang-list a[hreflang="zh"]');
  await Promise.all([page.waitForURL(`**${prefix}zh/conditions/als/`, { timeout: 15_000 }), link.click()]);
  await settle(page);
  const lang = await page.evaluate(() => document.documentElement.lang);
  check("the language switch leads to the Chinese article", lang === "zh", `lang: ${lang}, url: ${page.url()}`);
  await page.close();
});

// ---------------------------------------------------------------- the Content-Security-Policy
await step("the policy stops a script that a page slips in, and the check sees it", async () => {
  const page = await open(PAGES.article);
  const before = problems.length;
  const ran = await page.evaluate(async () => {
    const inline = document.createElement("script");
    inline.textContent = "window.__injected = true";
    document.body.append(inline);
    const link = document.createElement("a");
    link.href = "javascript:window.__injected = true";
    document.body.append(link);
    link.click();
    await new Promise((done) => setTimeout(done, 300));
    return Boolean(window.__injected);
  });
  const added = problems.splice(before);
  const reported = added.filter((p) => CSP.test(p));
  problems.push(...added.filter((p) => !CSP.test(p)));
  check("an injected inline script and javascript: link do not run, and both violations are reported", !ran && reported.length >= 2, `ran: ${ran}; reported: ${reported.join("; ")}`);
  await page.close();
});

// ---------------------------------------------------------------- everything that was loaded
check(`no console errors and no failed requests on ${visited.size} pages visited`, problems.length === 0, [...new Set(problems)].join("\n"));

await close();
clearTimeout(watchdog);
console.log(`browser checks ran ${((Date.now() - started) / 1000).toFixed(1)} s`);
report("browser");
