// Drives Debian's chromium (headless) through the operators' console of a running app and prints one line per check:
//   CONSOLE-CHECK {"name":"...","ok":true|false,"detail":"..."}
// io.crossbank.ops.ConsoleBrowserIT starts the app, makes the prepared branches, runs this and asserts each line.
// Screenshots of each state go to CONSOLE_SCREENSHOTS. Inputs (environment):
//   CONSOLE_URL           http://127.0.0.1:<port>
//   CHROMIUM              the browser binary (/usr/bin/chromium)
//   NODE_NAME             the app's node name
//   ORPHAN_UID            transaction uid of this node's orphan (postgres)
//   FOREIGN_MYSQL_UID     transaction uid of another node's branch in mysql: rolled back through the page
//   FOREIGN_POSTGRES_UID  transaction uid of another node's branch in postgres: rolled back through the API meanwhile
//   FOREIGN_POSTGRES_ID   its branch id, for that API call
//   SAGA_ID               a saga held in its step 2 (pending)
import { chromium } from "playwright-core";
import { mkdir } from "node:fs/promises";

const env = name => {
  const value = process.env[name];
  if (!value) throw new Error("environment variable " + name + " is not set");
  return value;
};
const base = env("CONSOLE_URL");
const shots = env("CONSOLE_SCREENSHOTS");
const node = env("NODE_NAME");
const orphanUid = env("ORPHAN_UID");
const foreignMysqlUid = env("FOREIGN_MYSQL_UID");
const foreignPostgresUid = env("FOREIGN_POSTGRES_UID");
const foreignPostgresId = env("FOREIGN_POSTGRES_ID");
const sagaId = env("SAGA_ID");
const OPS = { username: "ops", password: "ops" };
const VIEWER = { username: "viewer", password: "viewer" };
const WAIT = { timeout: 15000 };

function report(name, ok, detail) {
  console.log("CONSOLE-CHECK " + JSON.stringify({ name, ok, detail: String(detail || "") }));
}

let main = null; // the ops page the checks share

async function check(name, body) {
  try {
    report(name, true, await body());
  } catch (e) {
    report(name, false, e && e.stack ? e.stack : e);
    // a dialog a failed check left open would fail every later one too
    if (main) await main.keyboard.press("Escape").catch(() => {});
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const row = (page, uid) => page.locator("#indoubt tbody tr", { hasText: uid });

async function openConsole(context) {
  const page = await context.newPage();
  const response = await page.goto(base + "/ops/console");
  assert(response.status() === 200, "GET /ops/console answered " + response.status());
  await row(page, orphanUid).waitFor(WAIT);
  return page;
}

async function dialogText(page) {
  return (await page.locator("#confirm").innerText()).replace(/\s+/g, " ");
}

await mkdir(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: env("CHROMIUM"),
  headless: true,
  // Playwright gives each launch a fresh --user-data-dir of its own.
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const ops = await browser.newContext({ httpCredentials: OPS, viewport: { width: 1280, height: 900 } });
  const page = await openConsole(ops);
  main = page;
  const consoleErrors = [];
  // A refused action is a 409 the browser logs as a failed load: expected. Anything else (a CSP violation, a script
  // error) is not.
  page.on("console", message => {
    if (message.type() === "error" && !/Failed to load resource: the server responded with a status of 409/.test(message.text())) {
      consoleErrors.push(message.text());
    }
  });
  page.on("pageerror", error => consoleErrors.push(String(error)));

  await check("lists-branches", async () => {
    const orphan = (await row(page, orphanUid).innerText()).replace(/\s+/g, " ");
    assert(orphan.includes("postgres") && orphan.includes(node) && orphan.includes("ORPHAN"), "orphan row: " + orphan);
    assert(orphan.includes("past threshold"), "the orphan is older than the age threshold, so marked: " + orphan);
    const foreign = (await row(page, foreignMysqlUid).innerText()).replace(/\s+/g, " ");
    assert(foreign.includes("mysql") && foreign.includes("crossbank-elsewhere") && foreign.includes("FOREIGN_NODE"), "foreign row: " + foreign);
    await row(page, foreignPostgresUid).waitFor(WAIT);
    const first = await page.locator("#indoubt tbody tr").first().innerText();
    assert(first.includes(orphanUid), "the oldest branch (the orphan, made first) comes first: " + first);
    const header = (await page.locator("#node-status").innerText()).replace(/\s+/g, " ");
    assert(header.includes(node) && header.includes("a pass every"), "header: " + header);
    const ledgers = await page.locator("#ledgers li").allInnerTexts();
    assert(ledgers.length === 2 && ledgers.every(l => l.includes("reachable") && !l.includes("unreachable")), "ledgers: " + ledgers);
    const backlog = await page.locator("#backlog li").allInnerTexts();
    assert(backlog.length === 2 && backlog.every(l => l.includes("unsent")), "events backlog: " + backlog);
    await page.screenshot({ path: shots + "/console-ops.png", fullPage: true });
    return orphan + " | " + foreign + " | " + header;
  });

  await check("viewer-sees-no-actions", async () => {
    const viewer = await browser.newContext({ httpCredentials: VIEWER, viewport: { width: 1280, height: 900 } });
    const vpage = await openConsole(viewer);
    await row(vpage, foreignMysqlUid).waitFor(WAIT);
    const buttons = await vpage.locator("button.action:visible").count();
    assert(buttons === 0, "the viewer sees " + buttons + " action buttons");
    const who = await vpage.locator("#whoami").innerText();
    assert(who.includes("viewer") && who.includes("read only"), "whoami: " + who);
    await vpage.screenshot({ path: shots + "/console-viewer.png", fullPage: true });
    await viewer.close();
    return who;
  });

  await check("readable-on-a-phone", async () => {
    const phone = await browser.newContext({ httpCredentials: OPS, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const ppage = await openConsole(phone);
    const widths = await ppage.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert(widths[0] <= widths[1] + 1, "no sideways scrolling on a phone: page " + widths[0] + " px wide in " + widths[1] + " px");
    await ppage.screenshot({ path: shots + "/console-phone.png", fullPage: true });
    await phone.close();
    return "page " + widths[0] + " px in a " + widths[1] + " px viewport";
  });

  await check("keyboard", async () => {
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => document.activeElement.textContent);
    assert(first.includes("Skip to the lists"), "the first Tab reaches the skip link, got " + first);
    const labelled = await page.evaluate(() => [...document.querySelectorAll("input")].every(i => i.labels && i.labels.length > 0));
    assert(labelled, "every input has a label");
    return "first focus: " + first;
  });

  await check("saga-listed-and-dry-run", async () => {
    const saga = page.locator("#sagas tbody tr[data-saga='" + sagaId + "']");
    await saga.waitFor(WAIT);
    const text = (await saga.innerText()).replace(/\s+/g, " ");
    assert(/pending|stuck/.test(text) && text.includes("CREDIT") && text.includes("debit (postgres)") && text.includes("12.34 EUR"),
        "the saga row: " + text);
    await saga.getByRole("button", { name: "Re-drive…" }).click();
    await page.locator("#confirm").waitFor(WAIT);
    const dry = await dialogText(page);
    assert(dry.includes("Dry run: DRY_RUN: Would make saga " + sagaId) && dry.includes("audit #"), "the saga's dry run: " + dry);
    await saga.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shots + "/console-saga-dry-run.png" });
    await page.locator("#confirm-cancel").click();
    const audit = await page.locator("#audit li").first().innerText();
    assert(audit.includes("DRY_RUN"), "the dry run's audit line: " + audit);
    return text + " => " + dry;
  });

  await check("dry-run-then-confirm", async () => {
    await row(page, foreignMysqlUid).getByRole("button", { name: "Roll back…" }).click();
    const dialog = page.locator("#confirm");
    await dialog.waitFor(WAIT);
    const dry = await dialogText(page);
    assert(dry.includes("Dry run: DRY_RUN") && dry.includes("XA ROLLBACK") && dry.includes("audit #"), "dry-run dialog: " + dry);
    assert(await page.locator("#confirm-do").isVisible(), "the confirmation button is offered after a dry run that passed");
    const focusInDialog = await page.evaluate(() => document.activeElement.closest("dialog") !== null);
    assert(focusInDialog, "the keyboard focus moves into the dialog");
    await page.screenshot({ path: shots + "/console-dry-run.png" });
    await page.locator("#confirm-do").click();
    await page.locator("#confirm-title", { hasText: ": done" }).waitFor(WAIT);
    const done = await dialogText(page);
    assert(done.includes("ROLLED_BACK") && done.includes("audit #") && done.includes("in ledger mysql"), "after confirming: " + done);
    await page.screenshot({ path: shots + "/console-rolled-back.png" });
    await page.keyboard.press("Escape");
    await row(page, foreignMysqlUid).waitFor({ state: "detached", ...WAIT });
    const audit = await page.locator("#audit li").allInnerTexts();
    assert(audit.length >= 3 && audit[0].includes("ROLLED_BACK") && audit[1].includes("DRY_RUN"), "audit lines, newest first: " + audit);
    return dry + " => " + done;
  });

  await check("refused-action-shows-why", async () => {
    await row(page, orphanUid).getByRole("button", { name: "Commit…" }).click();
    await page.locator("#confirm-title", { hasText: "refused" }).waitFor(WAIT);
    const refused = await dialogText(page);
    assert(refused.includes("REFUSED (409)") && refused.includes("ORPHAN") && refused.includes("nothing was changed"), "refusal: " + refused);
    assert(!(await page.locator("#confirm-do").isVisible()), "a refused dry run offers no confirmation");
    await page.screenshot({ path: shots + "/console-refused.png" });
    await page.keyboard.press("Escape");
    return refused;
  });

  await check("refreshes-itself", async () => {
    // A colleague with curl rolls back the other foreign branch: the open page drops it without a reload.
    const answer = await fetch(base + "/ops/in-doubt/postgres/" + foreignPostgresId + "/rollback?dryRun=false", {
      method: "POST", headers: { Authorization: "Basic " + Buffer.from("ops:ops").toString("base64") },
    });
    assert(answer.status === 200, "the API rollback answered " + answer.status + " " + (await answer.text()));
    const started = Date.now();
    await row(page, foreignPostgresUid).waitFor({ state: "detached", timeout: 12000 });
    return "gone from the page " + (Date.now() - started) + " ms after the API call";
  });

  await check("recovery-pass-clears-the-orphan", async () => {
    await page.locator("#run-recovery").click();
    await page.locator("#confirm-title", { hasText: "Run a recovery pass" }).waitFor(WAIT);
    await page.locator("#confirm-do").click();
    await page.locator("#confirm-title", { hasText: "Recovery pass done" }).waitFor({ timeout: 30000 });
    const done = await dialogText(page);
    assert(/1 in doubt before, 0 after, 1 resolved/.test(done), "the pass resolved the orphan: " + done);
    await page.keyboard.press("Escape");
    await row(page, orphanUid).waitFor({ state: "detached", ...WAIT });
    await page.locator("#indoubt-empty").waitFor(WAIT);
    const header = (await page.locator("#node-status").innerText()).replace(/\s+/g, " ");
    assert(header.includes("by ops: 1 in doubt before, 0 after, 1 resolved"), "the header shows the last pass: " + header);
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert(widths[0] <= widths[1], "no sideways scrolling at 1280 px with the audit lines: page " + widths[0] + " px wide");
    await page.screenshot({ path: shots + "/console-recovery.png", fullPage: true });
    return done;
  });

  await check("no-script-errors", async () => {
    assert(consoleErrors.length === 0, "console errors (a CSP violation would show here): " + consoleErrors.join(" | "));
    return "none";
  });

  await check("stranger-refused", async () => {
    // Without credentials headless chromium cannot prompt: the 401 challenge ends the navigation.
    const anonymous = await browser.newContext();
    let navigation = "loaded";
    try {
      await (await anonymous.newPage()).goto(base + "/ops/console");
    } catch (e) {
      navigation = String(e.message);
    }
    assert(navigation.includes("ERR_INVALID_AUTH_CREDENTIALS"), "without credentials the page does not load: " + navigation);
    const none = await anonymous.request.get(base + "/ops/console");
    assert(none.status() === 401 && /^basic/i.test(none.headers()["www-authenticate"] || ""), "without credentials: " + none.status()
        + " " + JSON.stringify(none.headers()));
    await anonymous.close();
    const stranger = await browser.newContext({ httpCredentials: { username: "stranger", password: "stranger" } });
    const spage = await stranger.newPage();
    const refused = await spage.goto(base + "/ops/console");
    const text = await spage.locator("body").innerText();
    assert(refused.status() === 403 && text.includes("role 'ops'"), "a user without role: " + refused.status() + " " + text);
    await spage.screenshot({ path: shots + "/console-stranger.png" });
    await stranger.close();
    return "401 without credentials; 403 for a user without role: " + text;
  });
} finally {
  await browser.close();
}
