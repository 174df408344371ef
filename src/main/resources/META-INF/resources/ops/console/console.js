// The operators' console: reads and acts only through the /ops JSON API, with the browser's own basic-auth
// credentials. Its POSTs are same-origin; the service refuses any whose Origin is another site's (CORS filter).
// Nothing from the API is ever parsed as HTML: every text goes in through textContent.
"use strict";

const REFRESH_MS = 5000;
let mayAct = false;
let maxAgeSeconds = 120;
let timer = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function age(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.round(seconds);
  if (s < 120) return s + " s";
  if (s < 7200) return Math.round(s / 60) + " min";
  return Math.round(s / 3600) + " h";
}

function when(instant) {
  return instant ? new Date(instant).toLocaleString() : "never";
}

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) throw new Error(path + " answered " + response.status + " " + (await problemDetail(response)));
  return response.json();
}

async function problemDetail(response) {
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    const body = await response.json();
    return body.detail || body.title || JSON.stringify(body);
  }
  if (response.status === 403) return "forbidden: the request came from another origin";
  return response.statusText || "no detail";
}

/** POST an action; resolves to {ok, status, body} where body is the answer or the problem. */
async function post(path) {
  const response = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (response.ok) return { ok: true, status: response.status, body: await response.json() };
  return { ok: false, status: response.status, body: { detail: await problemDetail(response) } };
}

function showError(message) {
  const banner = document.getElementById("error");
  banner.textContent = message;
  banner.hidden = !message;
}

// ---------------------------------------------------------------------------------------------------- rendering

function renderStatus(status) {
  mayAct = status.mayAct;
  maxAgeSeconds = status.inDoubtMaxAgeSeconds;
  document.getElementById("whoami").textContent = "Signed in as " + status.user
      + (mayAct ? " (role ops: may act)" : " (read only: no actions)");
  document.getElementById("run-recovery").hidden = !mayAct || !status.recovery.enabled;
  const r = status.recovery;
  const last = r.lastOnDemand;
  const facts = [
    ["Node name", status.node],
    ["Recovery", r.enabled ? "a pass every " + r.periodSeconds + " s (" + r.backoffSeconds + " s between phases), orphans rolled back after "
        + r.orphanSafetyIntervalSeconds + " s" : "DISABLED: nothing resolves in-doubt branches"],
    ["Recovery passes", r.passes + " completed, the last " + when(r.lastPassCompletedAt)],
    ["Last pass asked for", last ? when(last.startedAt) + " by " + last.principal + ": " + last.before + " in doubt before, "
        + last.after + " after, " + last.resolved + " resolved (" + last.durationMillis + " ms)"
        + (last.unreachable.length ? "; not scanned: " + last.unreachable.join(", ") : "") : "none since this instance started"],
    ["Age threshold", status.inDoubtMaxAgeSeconds + " s (crossbank.in-doubt.max-age)"],
  ];
  const dl = document.getElementById("node-status");
  dl.replaceChildren(...facts.flatMap(([term, value]) => [el("dt", {}, term), el("dd", { "data-fact": term }, value)]));
  const ledgers = document.getElementById("ledgers");
  ledgers.replaceChildren(...status.ledgers.map(l => {
    const state = !l.reachable ? "down" : l.pastMaxAge ? "warn" : "up";
    const text = !l.reachable ? "unreachable" : l.inDoubt === 0 ? "reachable, nothing in doubt"
        : "reachable, " + l.inDoubt + " in doubt, oldest " + age(l.oldestInDoubtSeconds) + (l.pastMaxAge ? " (past the threshold)" : "");
    return el("li", { class: "ledger " + state, "data-ledger": l.ledger }, el("strong", {}, l.ledger), " ", text);
  }));
}

function actionButton(label, onClick, extraClass) {
  return el("button", { type: "button", class: "action " + (extraClass || ""), onclick: onClick }, label);
}

function renderInDoubt(scan) {
  const rows = [...scan.branches].sort((a, b) => b.ageSeconds - a.ageSeconds);
  document.getElementById("indoubt-count").textContent = "(" + rows.length + ")";
  document.getElementById("indoubt-empty").hidden = rows.length > 0 || scan.unreachable.length > 0;
  const body = document.querySelector("#indoubt tbody");
  body.replaceChildren(...rows.map(b => {
    const old = b.ageSeconds >= maxAgeSeconds;
    const actions = el("td", { class: "act-col" });
    if (mayAct) {
      const subject = b.ledger + " branch of transaction " + (b.transactionUid || b.id);
      actions.append(
        actionButton("Commit…", () => act("/ops/in-doubt/" + b.ledger + "/" + encodeURIComponent(b.id) + "/commit", "Commit " + subject, "commit")),
        actionButton("Roll back…", () => act("/ops/in-doubt/" + b.ledger + "/" + encodeURIComponent(b.id) + "/rollback", "Roll back " + subject, "roll back")));
    }
    return el("tr", { class: old ? "old" : "", "data-branch": b.id, "data-classification": b.classification },
      el("td", {}, b.ledger),
      el("td", {}, b.nodeName || "– (not Narayana)"),
      el("td", { class: "mono" }, b.transactionUid || b.postgresGid || b.globalTransactionId || b.id),
      el("td", {}, age(b.ageSeconds), old ? " " : null, old ? el("span", { class: "badge warn" }, "past threshold") : null),
      el("td", {}, el("span", { class: "badge " + b.classification.toLowerCase() }, b.classification)),
      el("td", { class: "explain" }, b.explanation, b.manualResolution ? " " : null, b.manualResolution ? el("span", { class: "badge" }, "an operator may decide it") : null),
      actions);
  }));
  if (scan.unreachable.length) {
    body.append(el("tr", {}, el("td", { colSpan: 7, class: "error" }, "Not scanned, database unreachable: " + scan.unreachable.join(", "))));
  }
}

function renderSagas(page) {
  document.getElementById("sagas-count").textContent = "(" + page.total + ")";
  document.getElementById("sagas-empty").hidden = page.items.length > 0;
  const body = document.querySelector("#sagas tbody");
  body.replaceChildren(...page.items.map(s => {
    const actions = el("td", { class: "act-col" });
    if (mayAct) {
      actions.append(
        actionButton("Re-drive…", () => act("/ops/sagas/" + s.id + "/redrive", "Re-drive saga " + s.id, "re-drive")),
        actionButton("Compensate…", () => act("/ops/sagas/" + s.id + "/compensate", "Compensate saga " + s.id, "compensate")));
    }
    return el("tr", { class: s.state === "stuck" ? "old" : "", "data-saga": s.id },
      el("td", { class: "mono" }, s.id, el("br"), el("span", { class: "muted" }, s.from + " → " + s.to)),
      el("td", {}, el("span", { class: "badge " + (s.state === "stuck" ? "warn" : "") }, s.state), " ", s.decision !== "NONE" ? "decision " + s.decision : ""),
      el("td", {}, s.step),
      el("td", {}, s.amount + " " + s.currency),
      el("td", {}, s.steps.map(step => step.name + " (" + step.ledger + ")").join(", ") || "none"),
      el("td", {}, String(s.attempts), s.lastError ? el("span", { class: "error-text" }, " · " + s.lastError) : null),
      actions);
  }));
  if (page.ledgers.some(l => !l.readable)) {
    body.append(el("tr", {}, el("td", { colSpan: 7, class: "error" }, "Not read: "
        + page.ledgers.filter(l => !l.readable).map(l => l.ledger).join(", "))));
  }
}

function renderEvents(page) {
  document.getElementById("backlog").replaceChildren(...page.ledgers.map(l => el("li",
    { class: "ledger " + (!l.readable ? "down" : l.unsent > 0 ? "warn" : "up"), "data-backlog": l.ledger },
    el("strong", {}, l.ledger), " ",
    !l.readable ? "unreadable: " + l.error : l.unsent === 0 ? "nothing unsent"
        : l.unsent + " unsent, the oldest " + age(l.oldestUnsentSeconds) + " old")));
  document.getElementById("events-empty").hidden = page.items.length > 0;
  document.querySelector("#events tbody").replaceChildren(...page.items.map(e => {
    const actions = el("td", { class: "act-col" });
    if (mayAct) {
      actions.append(actionButton("Re-drive…", () => act("/ops/events/" + e.ledger + "/" + e.id + "/redrive", "Re-drive event " + e.id, "re-drive")));
    }
    return el("tr", { "data-event": e.id },
      el("td", {}, e.ledger),
      el("td", { class: "mono" }, e.id, el("br"), el("span", { class: "muted" }, "transfer " + e.transferId)),
      el("td", {}, when(e.createdAt)),
      el("td", {}, String(e.attempts), e.lastError ? el("span", { class: "error-text" }, " · " + e.lastError) : null),
      actions);
  }));
}

/** Each cell names its column, for the phone layout where the table header is hidden (console.css). */
function labelCells(table) {
  const names = [...table.querySelectorAll("thead th")].map(th => th.textContent);
  for (const tr of table.querySelectorAll("tbody tr")) {
    [...tr.children].forEach((td, i) => { if (names[i] && td.colSpan === 1) td.setAttribute("data-label", names[i]); });
  }
}

async function refresh() {
  try {
    const status = await getJson("/ops/status");
    renderStatus(status);
    const [scan, sagas, events] = await Promise.all([getJson("/ops/in-doubt"), getJson("/ops/sagas"), getJson("/ops/events")]);
    renderInDoubt(scan);
    renderSagas(sagas);
    renderEvents(events);
    ["#indoubt", "#sagas", "#events"].forEach(id => labelCells(document.querySelector(id)));
    showError("");
    document.getElementById("refreshed").textContent = "Updated " + new Date().toLocaleTimeString();
  } catch (e) {
    showError("Could not refresh: " + e.message);
  }
}

function schedule() {
  clearInterval(timer);
  timer = null;
  if (document.getElementById("auto-refresh").checked) {
    timer = setInterval(() => { if (!document.getElementById("confirm").open) refresh(); }, REFRESH_MS);
  }
}

// ---------------------------------------------------------------------------------------------------- actions

/** One line per answer, newest first: what was done and the ops_audit row that records it. */
function audit(title, result) {
  const b = result.body;
  let line;
  if (!result.ok) {
    line = "REFUSED (" + result.status + "): " + b.detail;
  } else if (b.outcome) {
    line = b.outcome + (b.dryRun && b.outcome !== "DRY_RUN" ? " (dry run)" : "") + ": " + b.detail
        + (b.auditId !== undefined ? " · audit #" + b.auditId + " in ledger " + (b.ledger || b.before.ledger) : " · audit row not written, see the log");
  } else { // a recovery pass
    line = "recovery pass: " + b.before.branches.length + " in doubt before, " + b.after.branches.length + " after, "
        + b.resolved.length + " resolved, in " + b.durationMillis + " ms (logged by the service)";
  }
  const item = el("li", { class: result.ok ? "ok" : "refused" }, el("time", {}, new Date().toLocaleTimeString()), " ",
      el("strong", {}, title), " — ", line);
  document.getElementById("audit").prepend(item);
  return line;
}

const dialog = () => document.getElementById("confirm");

function openDialog(title, paragraphs, confirmLabel, onConfirm) {
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-body").replaceChildren(...paragraphs.map(p => el("p", { class: p.cls || "" }, p.text)));
  const confirm = document.getElementById("confirm-do");
  confirm.hidden = !onConfirm;
  confirm.textContent = confirmLabel || "Do it";
  confirm.onclick = async () => {
    confirm.disabled = true;
    try { await onConfirm(); } finally { confirm.disabled = false; }
  };
  document.getElementById("confirm-cancel").textContent = onConfirm ? "Cancel" : "Close";
  if (!dialog().open) dialog().showModal();
  document.getElementById("confirm-cancel").focus();
}

/** Dry run first, shown with its verdict; the real action only after the operator confirms it. */
async function act(path, title, verb) {
  const dry = await post(path + "?dryRun=true");
  const verdict = audit(title + " (dry run)", dry);
  if (!dry.ok) {
    openDialog(title + ": refused", [{ text: verdict, cls: "verdict refused" }, { text: "Nothing was changed." }]);
    return;
  }
  openDialog(title + "?", [{ text: "Dry run: " + verdict, cls: "verdict" },
    { text: (verb === "re-drive" ? "It only makes it due now." : "This cannot be undone.") + " Confirm to do it for real." }], "Confirm: " + verb + " for real",
    async () => {
      const real = await post(path + "?dryRun=false");
      const line = audit(title, real);
      openDialog(title + (real.ok ? ": done" : ": refused"), [{ text: line, cls: "verdict " + (real.ok ? "" : "refused") }]);
      refresh();
    });
}

async function recoveryPass() {
  openDialog("Run a recovery pass now?", [
    { text: "Narayana's recovery runs every few seconds anyway; this runs one complete pass now and reports what it changed. "
        + "It only does what recovery would do: commit what this node logged, roll back its orphans once seen long enough." }],
    "Run the pass", async () => {
      const result = await post("/ops/recovery");
      const line = audit("Recovery pass", result);
      openDialog(result.ok ? "Recovery pass done" : "Recovery pass refused", [{ text: line, cls: "verdict " + (result.ok ? "" : "refused") }]);
      refresh();
    });
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("run-recovery").addEventListener("click", recoveryPass);
  document.getElementById("refresh-now").addEventListener("click", refresh);
  document.getElementById("auto-refresh").addEventListener("change", schedule);
  document.getElementById("confirm-cancel").addEventListener("click", () => dialog().close());
  refresh();
  schedule();
});
