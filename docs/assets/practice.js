/* 自测 and 练习 (hooks/practice.py writes the markup and the deck). Progress stays in this
   browser (localStorage), keyed by stable card ids; nothing is sent anywhere.
   Leitner boxes 1–5: "记住了" moves a card up one box, "再看看" back to box 1. A card in box b is
   due again after DAYS[b] days; box 1 means again in this session, after 3 other cards. */
(function () {
  "use strict";
  var KEY = "mm-practice", SWITCH = "mm-selftest", FORMAT = "mm-interview-practice", VERSION = 1;
  var DAYS = [0, 0, 1, 3, 7, 14], AGAIN_AFTER = 3;

  function empty() { return { format: FORMAT, version: VERSION, cards: {} }; }
  function valid(s) {
    if (!s || typeof s !== "object" || s.format !== FORMAT || s.version !== VERSION) return false;
    if (!s.cards || typeof s.cards !== "object" || Array.isArray(s.cards)) return false;
    return Object.keys(s.cards).every(function (k) {
      var c = s.cards[k];
      return /^[qft]:[a-z0-9#-]+$/.test(k) && c && typeof c === "object" && c.box === (c.box | 0) &&
        c.box >= 1 && c.box <= 5 && typeof c.due === "number" && isFinite(c.due);
    });
  }
  function load() {
    try { var s = JSON.parse(localStorage.getItem(KEY)); if (valid(s)) return s; } catch (e) { /* none */ }
    return empty();
  }
  function save(s) { try { localStorage.setItem(KEY, JSON.stringify(s)); } catch (e) { /* private mode */ } }
  function today() { return Math.floor(Date.now() / 864e5); }
  function grade(key, remembered) {
    var s = load(), c = s.cards[key], box = remembered ? Math.min((c ? c.box : 1) + 1, 5) : 1;
    s.cards[key] = { box: box, due: today() + DAYS[box] };
    save(s);
    return box;
  }
  function known(s, key) { var c = s.cards[key]; return !!c && c.box >= 2; }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var a in attrs) { if (a === "class") e.className = attrs[a]; else e.setAttribute(a, attrs[a]); }
    if (text != null) e.textContent = text;
    return e;
  }
  function button(text, cls) { var b = el("button", { type: "button", class: "practice-button " + (cls || "") }, text); return b; }
  function live() {
    var l = document.querySelector(".practice-live");
    if (!l) { l = el("p", { class: "practice-live", "aria-live": "polite", role: "status" }); document.body.appendChild(l); }
    return l;
  }
  function say(text) { live().textContent = text; }

  /* A question page: the 自测 switch hides each answer behind 显示答案, then offers the grades. */
  function selftest(answers) {
    var title = document.querySelector("article h1"), anchor = document.querySelector("article .bank-meta") || title;
    var toggle = button("自测：关", "selftest-toggle");
    toggle.setAttribute("aria-pressed", "false");
    anchor.insertAdjacentElement("afterend", toggle);
    var controls = [];
    answers.forEach(function (answer) {
      var box = el("div", { class: "selftest-controls", hidden: "" });
      var reveal = button("显示答案", "md-button"), yes = button("记住了", "md-button"), no = button("再看看", "md-button");
      yes.hidden = no.hidden = true;
      reveal.addEventListener("click", function () {
        answer.hidden = false; reveal.hidden = true; yes.hidden = no.hidden = false;
        say("已显示答案。"); yes.focus();
      });
      function mark(remembered) {
        grade(answer.dataset.card, remembered);
        yes.hidden = no.hidden = true;
        say(remembered ? "已记为“记住了”。" : "已记为“再看看”，练习时会更早再出现。");
      }
      yes.addEventListener("click", function () { mark(true); });
      no.addEventListener("click", function () { mark(false); });
      box.append(reveal, yes, no);
      answer.insertAdjacentElement("beforebegin", box);
      controls.push([answer, box, reveal, yes, no]);
    });
    function set(on) {
      toggle.setAttribute("aria-pressed", String(on));
      toggle.textContent = on ? "自测：开" : "自测：关";
      controls.forEach(function (c) {
        c[0].hidden = on; c[1].hidden = !on; c[2].hidden = false; c[3].hidden = c[4].hidden = true;
      });
      try { localStorage.setItem(SWITCH, on ? "1" : "0"); } catch (e) { /* private mode */ }
    }
    toggle.addEventListener("click", function () {
      var on = toggle.getAttribute("aria-pressed") !== "true";
      set(on); say(on ? "自测已开启：答案已隐藏。" : "自测已关闭：答案全部显示。");
    });
    var stored = null;
    try { stored = localStorage.getItem(SWITCH); } catch (e) { /* private mode */ }
    set(stored === "1");
  }

  /* The 练习 page. */
  function practice(root) {
    var base = new URL(root.dataset.site, location.href), deck, queue = [], current = null, texts = {};
    // The offline copy (file://, where fetch fails) ships these files in practice/deck.js (hooks/offline.py).
    var shipped = window.__practiceFiles || {};
    function get(path) {
      if (shipped[path]) return Promise.resolve(shipped[path]);
      return fetch(new URL(path, base)).then(function (r) { if (!r.ok) throw r; return r.json(); });
    }
    function fail() { root.querySelector(".practice-status").textContent = "题库加载失败，请刷新页面重试。"; }
    // The index (groups, difficulty, frequency of every card) first; each group's texts when drawn.
    function chunk(g) { return texts[g] || (texts[g] = get("practice/cards/" + g + ".json")); }
    get("practice/deck.json").then(function (d) { deck = d; build(); }).catch(fail);

    var form = root.querySelector(".practice-filters"), card = root.querySelector(".practice-card");
    var front = card.querySelector(".practice-front"), back = card.querySelector(".practice-back");
    var kind = card.querySelector(".practice-kind"), link = card.querySelector(".practice-link");
    var reveal = card.querySelector(".practice-reveal"), yes = card.querySelector(".practice-yes"), no = card.querySelector(".practice-no");
    var progress = root.querySelector(".practice-progress"), status = root.querySelector(".practice-status");
    var KINDS = { question: "题目", "follow-up": "追问", term: "术语→定义", definition: "定义→术语" };

    function build() {
      var select = form.querySelector("[name=group]");
      deck.groups.forEach(function (g) { select.appendChild(el("option", { value: g }, g)); });
      form.addEventListener("change", start);
      reveal.addEventListener("click", show);
      yes.addEventListener("click", function () { next(true); });
      no.addEventListener("click", function () { next(false); });
      root.querySelector(".practice-reset").addEventListener("click", function () {
        if (window.confirm("清空本机上的全部练习进度？")) { save(empty()); say("进度已清空。"); start(); }
      });
      root.querySelector(".practice-export").addEventListener("click", exportFile);
      root.querySelector(".practice-import").addEventListener("change", importFile);
      document.addEventListener("keydown", keys);
      card.hidden = false;
      start();
    }
    function entries() {
      var f = new FormData(form), kinds = f.getAll("kind"), out = [];
      Object.keys(deck.cards).forEach(function (key) {
        var c = deck.cards[key], kind = { q: "question", f: "follow-up", t: "term" }[key[0]];
        if (f.get("group") && deck.groups[c[0]] !== f.get("group")) return;
        if (f.get("difficulty") && String(c[1]) !== f.get("difficulty")) return;
        if (f.get("frequency") && deck.frequencies[c[2]] !== f.get("frequency")) return;
        if (kind === "term") {
          if (kinds.indexOf("term") >= 0) out.push({ key: key, c: c, kind: "term" });
          if (kinds.indexOf("definition") >= 0) out.push({ key: key, c: c, kind: "definition" });
        } else if (kinds.indexOf(kind) >= 0) out.push({ key: key, c: c, kind: kind });
      });
      return out;
    }
    function start() {
      var s = load(), t = today(), due = [], fresh = [];
      entries().forEach(function (e) {
        var st = s.cards[e.key];
        if (!st) fresh.push(e); else if (st.due <= t) due.push(e);
      });
      due.sort(function (a, b) { return s.cards[a.key].box - s.cards[b.key].box; });
      queue = due.concat(fresh);
      showProgress(); draw();
    }
    function showProgress() {
      var s = load(), counts = {};
      Object.keys(deck.cards).forEach(function (key) {
        var g = deck.groups[deck.cards[key][0]], n = counts[g] || (counts[g] = [0, 0]);
        n[1] += 1; if (known(s, key)) n[0] += 1;
      });
      progress.textContent = "";
      deck.groups.forEach(function (g) {
        if (counts[g]) progress.appendChild(el("li", {}, g + "：" + counts[g][0] + "/" + counts[g][1] + " 记住了"));
      });
    }
    function draw() {
      current = queue.shift() || null;
      if (!current) {
        card.dataset.card = "";
        kind.textContent = ""; front.textContent = "这一组今天没有要练的卡片了。"; back.hidden = true;
        reveal.hidden = yes.hidden = no.hidden = true; link.hidden = true;
        status.textContent = "换一组或一种题型，或明天再来。";
        return;
      }
      var shown = current, c = current.c;
      card.dataset.card = "";
      reveal.hidden = yes.hidden = no.hidden = true;
      chunk(c[0]).then(function (all) {
        if (current !== shown) return;
        var t = all[shown.key];  // [front, back, url, from]
        card.dataset.card = shown.key;
        kind.textContent = KINDS[shown.kind] + " · " + deck.groups[c[0]] + (c[1] ? " · 难度 " + c[1] + "/3" : "");
        if (shown.kind === "definition") front.textContent = t[1]; else front.textContent = t[0];
        if (shown.kind === "term") back.textContent = t[1];
        else if (shown.kind === "definition") back.textContent = t[0];
        else back.innerHTML = t[1];  // the site's own HTML, made at build time
        back.hidden = true; reveal.hidden = false;
        link.hidden = false; link.href = new URL(t[2], base).href;
        link.textContent = t[3] ? "打开原页：" + t[3] : "打开原页";
        status.textContent = "还剩 " + (queue.length + 1) + " 张。按空格键显示答案。";
      }).catch(fail);
    }
    function show() {
      if (!current || !back.hidden || card.dataset.card !== current.key) return;
      back.hidden = false; reveal.hidden = true; yes.hidden = no.hidden = false;
      say("已显示答案。记住了按 1，再看看按 2。"); yes.focus();
    }
    function next(remembered) {
      if (!current || back.hidden || card.dataset.card !== current.key) return;
      var box = grade(current.key, remembered), done = current;
      if (box === 1) queue.splice(Math.min(AGAIN_AFTER, queue.length), 0, done);
      say(remembered ? "记住了：移到第 " + box + " 盒，" + DAYS[box] + " 天后再练。" : "再看看：回到第 1 盒，稍后再出现。");
      showProgress(); draw(); reveal.focus();
    }
    function keys(e) {
      if (e.target.closest && e.target.closest("input, select, textarea, .md-search")) return;
      if (e.key === " " && back.hidden && current) { e.preventDefault(); show(); }
      else if (e.key === "1") next(true);
      else if (e.key === "2") next(false);
    }
    function exportFile() {
      var s = load(), stamp = new Date().toISOString().slice(0, 10);
      s.exported = new Date().toISOString();
      var a = el("a", { href: URL.createObjectURL(new Blob([JSON.stringify(s, null, 1)], { type: "application/json" })),
        download: "mm-practice-" + stamp + ".json" });
      document.body.appendChild(a); a.click(); a.remove();
      say("进度已导出。");
    }
    function importFile(e) {
      var file = e.target.files[0];
      if (!file) return;
      file.text().then(function (text) {
        var s = null;
        try { s = JSON.parse(text); } catch (err) { /* not JSON */ }
        if (!valid(s)) {
          say("导入失败：这不是本站导出的练习进度文件（格式 " + FORMAT + "，版本 " + VERSION + "）。现有进度未改动。");
          return;
        }
        save({ format: FORMAT, version: VERSION, cards: s.cards });
        say("已导入 " + Object.keys(s.cards).length + " 张卡片的进度。");
        start();
      }).finally(function () { e.target.value = ""; });
    }
  }

  var root = document.querySelector(".practice");
  if (root) practice(root);
  var answers = Array.prototype.slice.call(document.querySelectorAll("article .selftest-answer"));
  if (answers.length) selftest(answers);
})();
