// Shared by the browser scripts: Debian's Chromium driven by playwright-core, and (for the
// scripts that run on their own) building the site and serving it under a sub-path.
import { chromium } from "playwright-core";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

// The network is closed: without these flags Chromium keeps trying to reach its services.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * An init script: every Content-Security-Policy violation of the page becomes a console error
 * starting "CSP violation", which the checks collect (Chromium's own message is not always logged,
 * e.g. for a blocked `javascript:` link).
 */
export function reportViolations() {
  document.addEventListener("securitypolicyviolation", (e) => {
    console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline code"} (${e.sourceFile || "page"}:${e.lineNumber})`);
  });
}

/**
 * The checks of one script: `check(name, ok, detail)` prints "ok - name" or "FAIL - name" with the
 * detail indented; `report(label)` prints "label: N passed, N failed" and exits 1 on any failure.
 */
export function tally() {
  let passed = 0;
  let failed = 0;
  const indent = (text) => String(text).replace(/^/gm, "    ");
  return {
    check(name, ok, detail = "") {
      if (ok) {
        passed += 1;
        console.log(`ok - ${name}`);
      } else {
        failed += 1;
        console.log(`FAIL - ${name}${detail ? `\n${indent(detail)}` : ""}`);
      }
    },
    report(label) {
      console.log(`${label}: ${passed} passed, ${failed} failed`);
      process.exit(failed ? 1 : 0);
    },
  };
}

/** Starts Chromium with a fresh profile; `close()` ends it and removes the profile. */
export async function launch(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), "cellbook-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    colorScheme: "light",
    timeout: 30_000,
    ...options,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves `dir` under `prefix` on 127.0.0.1 (as tests/common/mod.rs does); resolves to its origin. */
export function serve(dir, prefix) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = null;
    if (path.startsWith(prefix) && !path.split("/").includes("..")) {
      const rel = path.slice(prefix.length);
      file = join(dir, rel === "" || rel.endsWith("/") ? join(rel, "index.html") : rel);
    }
    try {
      if (!file || !statSync(file).isFile()) throw new Error("missing");
      res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok({ origin: `http://127.0.0.1:${server.address().port}`, server })));
}

/** Builds the repository's site with `cargo run --release` into a temp folder; returns the folder. */
export function buildSite(baseUrl) {
  const out = join(mkdtempSync(join(tmpdir(), "cellbook-site-")), "site");
  const run = spawnSync("cargo", ["run", "--release", "--quiet", "--", "build", "--root", REPO, "--output", out, "--base-url", baseUrl], {
    cwd: REPO,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, SOURCE_DATE_EPOCH: process.env.SOURCE_DATE_EPOCH || "1767225600" },
  });
  if (run.status !== 0) throw new Error(`cellbook build failed (${run.status})`);
  return out;
}
