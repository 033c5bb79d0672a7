// The local app's page: upload each tape (with upload progress), then poll its job until the
// verdict is in, and show it with the full report; on request, make the fixed copy of a tape,
// or compare two or more takes. Talks only to this computer's server.
"use strict";

let limitBytes = Infinity;
const jobsBox = () => document.getElementById("jobs");
const checked = [];  // judged takes in upload order: {id, name, box}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c));
  return node;
}

// as uploads.size_text: GB from 1 GB, MB below (a 1 MB limit is "1.0 MB", not "0.0 GB")
function size(n) {
  if (n >= 1e9) return (n / 1e9).toFixed(1) + " GB";
  return (n / 1e6).toFixed(n >= 1e7 ? 0 : 1) + " MB";
}

function card(name) {
  const bar = el("span");
  const state = el("p", {class: "state"}, "Waiting…");
  const body = el("div", {class: "body"});
  const cancel = el("button", {class: "secondary", type: "button"}, "Cancel");
  const box = el("article", {class: "job"}, el("h2", {}, name), state,
                 el("div", {class: "bar"}, bar), el("div", {class: "actions"}, cancel), body);
  jobsBox().prepend(box);
  return {box, bar, state, body, cancel};
}

function fail(c, message) {
  c.bar.parentNode.remove();
  c.cancel.remove();
  c.state.replaceWith(el("p", {class: "error"}, message));
  c.box.classList.add("failed");
}

function check(file) {
  const c = card(file.name);
  if (file.size > limitBytes) {
    fail(c, `This file is ${size(file.size)}, more than this app accepts (${size(limitBytes)}). ` +
            "Export it smaller, or start the app with a higher --max-upload.");
    return;
  }
  const xhr = new XMLHttpRequest();
  const form = new FormData();
  form.append("file", file, file.name);
  xhr.open("POST", "/api/jobs");
  xhr.upload.onprogress = (ev) => {
    if (!ev.lengthComputable) return;
    const pct = Math.round(100 * ev.loaded / ev.total);
    c.state.textContent = `Copying the tape into the checker… ${pct} %`;
    c.bar.style.width = pct + "%";
  };
  xhr.onload = () => {
    let answer = {};
    try { answer = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
    if (xhr.status !== 202) {
      fail(c, answer.error || `The checker refused this file (HTTP ${xhr.status}).`);
      return;
    }
    c.cancel.remove();
    follow(c, answer.id);
  };
  xhr.onerror = () => fail(c, "The upload stopped: is the app still running?");
  xhr.onabort = () => fail(c, "Cancelled.");
  c.cancel.onclick = () => xhr.abort();
  xhr.send(form);
}

async function follow(c, id) {
  c.bar.style.width = "0%";
  for (;;) {
    let job;
    try {
      const r = await fetch(`/api/jobs/${id}`, {cache: "no-store"});
      job = await r.json();
      if (!r.ok) { fail(c, job.error || `HTTP ${r.status}`); return; }
    } catch (e) {
      fail(c, "Lost touch with the app: is it still running?");
      return;
    }
    if (job.state === "done") { show(c, id, job.file); return; }
    const pct = Math.round(100 * job.progress);
    c.state.textContent = job.state === "waiting" ? "Waiting for the tape before it…"
                                                   : `Checking… ${pct} %`;
    c.bar.style.width = pct + "%";
    await new Promise((ok) => setTimeout(ok, 400));
  }
}

function show(c, id, file) {
  c.bar.parentNode.remove();
  if (file.status !== "judged") {
    fail(c, file.error ? file.error.message : "This file could not be checked.");
    return;
  }
  const v = file.verdict;
  const labels = {"ready": "Ready to send", "fix-first": "Fix first", "unusable": "Unusable"};
  const verdict = el("div", {class: `verdict ${v.level}`},
    el("p", {}, el("span", {class: "level"}, labels[v.level] || v.level), `  ${v.score}/100`),
    el("p", {class: "headline"}, v.headline),
    el("p", {class: "answers"}, `Eyes seen: ${v.can_see_eyes ? "yes" : "no"} · ` +
                                `Voice heard: ${v.can_hear_voice ? "yes" : "no"}`));
  c.state.replaceWith(verdict);
  if (v.fixes.length) {
    const list = el("ol", {class: "fixes"});
    for (const fx of v.fixes) {
      list.append(el("li", {}, fx.fix + (fx.needs === "reshoot" ? " (new take)" : " (in editing)")));
    }
    c.body.append(el("h3", {}, "What to fix, most important first"), list);
  }
  const url = `/api/jobs/${id}/report.html`;
  const actions = el("div", {class: "actions"},
    el("a", {class: "button", href: url, target: "_blank", rel: "noopener"}, "Open the full report"),
    el("a", {class: "button secondary", href: url + "?download=1"}, "Save the report"));
  c.body.append(actions);
  // offered only where `tapecheck fix` would repair something check asks for (warning or
  // above: an information-only finding is left alone by the fix, which would change nothing)
  if (v.fixes.some((fx) => fx.repair && fx.severity !== "info")) {
    const make = el("button", {type: "button", class: "make-fix"}, "Make the fixed copy");
    const out = el("div", {class: "fixed"});
    make.onclick = () => makeFix(id, make, out);
    actions.append(make);
    c.body.append(out);
  }
  const box = el("input", {type: "checkbox", checked: ""});
  box.onchange = offerComparison;
  c.box.querySelector("h2").prepend(el("label", {class: "pick-take", title: "Compare this take"}, box));
  checked.push({id, name: file.path, box});
  offerComparison();
  const frame = el("iframe", {class: "report", src: url, title: `Full report for ${file.path}`});
  frame.onload = () => {
    try { frame.style.height = frame.contentDocument.documentElement.scrollHeight + 20 + "px"; }
    catch (e) { /* leave the default height */ }
  };
  c.body.append(frame);
}

async function poll(url, busy) {
  for (;;) {
    const r = await fetch(url, {cache: "no-store"});
    const answer = await r.json();
    if (!r.ok) throw new Error(answer.error || `HTTP ${r.status}`);
    if (!busy(answer)) return answer;
    await new Promise((ok) => setTimeout(ok, 500));
  }
}

// what each kind of change is called for an actor (CONTRACT.md lists the kinds)
const CHANGES = {"loudness": "Voice level", "sync": "Lip sync", "trim": "Dead air trimmed",
                 "channels": "Sound channels", "dc": "Sound offset removed",
                 "container": "File type", "rotation": "Picture turned upright",
                 "frame-rate": "Steady frame rate", "size": "File size", "name": "File name"};

function numbers(ch) {
  const n = (x) => (typeof x === "number" ? x.toFixed(1).replace(/\.0$/, "") : x);
  if (ch.before == null || ch.after == null) return "";  // nothing measured to compare
  return ` (${n(ch.before)} → ${n(ch.after)}${ch.unit ? " " + ch.unit : ""})`;
}

async function makeFix(id, button, out) {
  button.disabled = true;
  out.replaceChildren(el("p", {class: "state"}, "Making the fixed copy… (your tape is not changed)"));
  try {
    const r = await fetch(`/api/jobs/${id}/fix`, {method: "POST"});
    if (r.status !== 202) throw new Error((await r.json()).error || `HTTP ${r.status}`);
    const job = await poll(`/api/jobs/${id}`, (j) => j.fix && j.fix.state === "working");
    if (job.fix.state !== "done") throw new Error(job.fix.error || "the copy failed");
    const doc = job.fix.result, v = doc.files[0].verdict, fx = doc.fix;
    const labels = {"ready": "Ready to send", "fix-first": "Fix first", "unusable": "Unusable"};
    const list = el("ul", {class: "changes"});
    // plain words first, as the report's findings; the engineer's numbers folded beneath
    for (const ch of fx.changes) {
      list.append(el("li", {}, el("strong", {}, (CHANGES[ch.what] || ch.what) + ": "), ch.plain,
                     el("details", {class: "exact"}, el("summary", {}, "exact numbers"),
                        ch.detail + numbers(ch))));
    }
    const alone = el("ul", {class: "left-alone"});
    for (const n of fx.left_alone) alone.append(el("li", {}, n.plain));
    out.replaceChildren(
      el("h3", {}, "The fixed copy"),
      el("div", {class: `verdict ${v.level}`},
         el("p", {}, el("span", {class: "level"}, labels[v.level] || v.level), `  ${v.score}/100`),
         el("p", {class: "headline"}, v.headline)),
      fx.changes.length ? list : el("p", {}, "Nothing needed changing in editing."),
      fx.left_alone.length ? el("div", {class: "small"},
        el("p", {}, "Left as it is (the check did not ask for it):"), alone) : "",
      fx.needs_new_take.length ? el("p", {class: "small"},
        "Editing cannot repair the rest: " + v.fixes.filter((f) => f.needs === "reshoot")
          .map((f) => f.fix).join(" ")) : "",
      el("div", {class: "actions"},
         el("a", {class: "button", href: `/api/jobs/${id}/fixed`, download: fx.output},
            `Save the fixed copy (${fx.output})`)));
  } catch (e) {
    out.replaceChildren(el("p", {class: "error"}, `The fixed copy could not be made: ${e.message}`));
    button.disabled = false;
  }
}

function offerComparison() {
  const bar = document.getElementById("compare");
  const chosen = checked.filter((t) => t.box.checked);
  bar.hidden = checked.length < 2;
  const button = bar.querySelector("button");
  button.disabled = chosen.length < 2;
  button.textContent = chosen.length < 2 ? "Tick two or more takes to compare them"
                                         : `Compare these ${chosen.length} takes`;
}

async function compareTakes() {
  const bar = document.getElementById("compare");
  const out = bar.querySelector(".result");
  const chosen = checked.filter((t) => t.box.checked);
  out.replaceChildren(el("p", {class: "state"}, "Comparing " + chosen.map((t) => t.name).join(", ") + "…"));
  try {
    const r = await fetch("/api/takes", {method: "POST", headers: {"Content-Type": "application/json"},
                                         body: JSON.stringify({ids: chosen.map((t) => t.id)})});
    const started = await r.json();
    if (r.status !== 202) throw new Error(started.error || `HTTP ${r.status}`);
    const done = await poll(`/api/takes/${started.id}`, (t) => t.state === "working");
    if (done.state !== "done") throw new Error(done.error || "the comparison failed");
    const list = el("ul", {class: "pairs"});
    for (const p of done.result.pairs) {
      list.append(el("li", {}, `Take ${p.a + 1} and take ${p.b + 1}: ${p.summary}`));
    }
    const url = `/api/takes/${started.id}/report.html`;
    const frame = el("iframe", {class: "report", src: url, title: "How the takes compare"});
    frame.onload = () => {
      try { frame.style.height = frame.contentDocument.documentElement.scrollHeight + 20 + "px"; }
      catch (e) { /* leave the default height */ }
    };
    out.replaceChildren(list, el("div", {class: "actions"},
      el("a", {class: "button secondary", href: url, target: "_blank", rel: "noopener"},
         "Open the comparison")), frame);
  } catch (e) {
    out.replaceChildren(el("p", {class: "error"}, `The takes could not be compared: ${e.message}`));
  }
}

function take(files) { for (const f of files) check(f); }

document.addEventListener("DOMContentLoaded", async () => {
  const drop = document.getElementById("drop");
  const pick = document.getElementById("pick");
  pick.addEventListener("change", () => { take(pick.files); pick.value = ""; });
  for (const name of ["dragenter", "dragover"]) {
    drop.addEventListener(name, (ev) => { ev.preventDefault(); drop.classList.add("over"); });
  }
  for (const name of ["dragleave", "drop"]) {
    drop.addEventListener(name, () => drop.classList.remove("over"));
  }
  drop.addEventListener("drop", (ev) => { ev.preventDefault(); take(ev.dataTransfer.files); });
  document.querySelector("#compare button").addEventListener("click", compareTakes);
  try {
    const r = await fetch("/api/limits");
    limitBytes = (await r.json()).max_upload_bytes;
    document.getElementById("limit").textContent = `Tapes up to ${size(limitBytes)}.`;
  } catch (e) { /* the server enforces the limit anyway */ }
});
