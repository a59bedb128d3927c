// The dashboard in real headless Chromium (Debian's chromium, driven by playwright-core), against
// a real fieldsync-server on 127.0.0.1 after the seed scenario synced by real tablets (the fieldsync
// CLI, tools/demo-scenario.sh). Run by ctest as browser_dashboard:
//   node dashboard.test.mjs --bin BUILD/bin --artifacts BUILD/artifacts
// Covers: log in, progress of the seed plan, a unit with authors and history, free text shown as
// text (never HTML, in the dashboard and the report), approve an answer and a conclusion, open a conflict and resolve it, export
// CSV, open the report, switch to English; a member's login sees no leader action and the API
// refuses them (403); a POST without the CSRF token is refused. Screenshots of the main pages go
// to ARTIFACTS/screenshots/. Prints "N passed, M failed"; exits non-zero on any failure.
import {execFileSync, spawn} from "node:child_process";
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import assert from "node:assert/strict";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
const bin = resolve(args.bin || join(root, "build/bin"));
const artifacts = resolve(args.artifacts || join(root, "build/artifacts"));
const shots = join(artifacts, "screenshots");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const PLAN = "31-KH/BCĐTP";
const PASSWORDS = {thuongtruc: "thuong-truc-bcd-2023", luan: "truong-doan-luan-2023", khoa: "thanh-vien-khoa-2023"};
// Typed on a tablet: must appear as text, and never run.
const HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script> Đảng ủy & "Dân vận"';

function fail(message) {
  console.error("browser test: " + message);
  process.exit(1);
}

let playwright;
try {
  playwright = await import("playwright-core");
} catch (e) {
  fail("playwright-core is not installed in tests/browser/; run scripts/setup (it runs npm ci there)");
}
if (!existsSync(chromiumPath)) fail(chromiumPath + " is missing; run scripts/setup (Debian package chromium)");
for (const tool of ["fieldsync", "fieldsync-server"]) {
  if (!existsSync(join(bin, tool))) fail(join(bin, tool) + " is missing; build first");
}

mkdirSync(shots, {recursive: true});
const work = mkdtempSync(join(tmpdir(), "fieldsync-browser-"));
const run = join(work, "run");
const db = join(run, "server.db");
const srv = (...a) => execFileSync(join(bin, "fieldsync-server"), a, {encoding: "utf8"});
const tab = (who, ...a) => execFileSync(join(bin, "fieldsync"), [...a, "--db", join(run, who + ".db")],
                                        {encoding: "utf8"});

// --- the synced scenario, then what the test needs on top of it ---
execFileSync("bash", [join(root, "tools/demo-scenario.sh")],
             {env: {...process.env, FIELDSYNC_BIN: bin, FIELDSYNC_DEMO_DIR: run}, stdio: ["ignore", "ignore", "inherit"]});
for (const [name, password] of Object.entries(PASSWORDS)) {
  execFileSync(join(bin, "fieldsync-server"), ["user", "passwd", "--db", db, "--name", name], {input: password + "\n"});
}

// The tablets are enrolled with the scenario's server address: serve the same file there again.
const scenarioUrl = readFileSync(join(run, "server.log"), "utf8").match(/listening on (http:\/\/[\d.:]+)/)[1];
let server;
process.on("exit", () => server && server.exitCode === null && server.kill("SIGKILL"));
const url = await new Promise((done, failed) => {
  server = spawn(join(bin, "fieldsync-server"), ["serve", "--db", db, "--listen", scenarioUrl.replace("http://", "")],
                 {stdio: ["ignore", "pipe", "pipe"]});
  let out = "";
  server.stdout.on("data", (chunk) => {
    out += chunk;
    const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    if (m) done(m[1]);
  });
  server.stderr.on("data", (chunk) => process.stderr.write(chunk));
  server.on("exit", (code) => failed(new Error("fieldsync-server exited with " + code + ": " + out)));
  setTimeout(() => failed(new Error("fieldsync-server did not start: " + out)), 20000);
});

// Tablets sync through the running server from here on.
function sync(...who) {
  for (const w of who) tab(w, "sync");
}
// Two inspectors write the same part offline: a conflict for the leader. A member types markup.
tab("tham", "answer", "--unit", "CNSG", "--item", "B2", "--results", "Hội nghị người lao động tổ chức tháng 1");
tab("luan", "answer", "--unit", "CNSG", "--item", "B2", "--results", "Hội nghị người lao động tổ chức tháng 3");
tab("khoa", "answer", "--unit", "TTCT", "--item", "A3", "--limitations", HOSTILE);
// The leader writes session 2's conclusion on his tablet.
tab("luan", "conclude", "--unit", "CNSG", "--results", "Hai doanh nghiệp thực hiện tốt hội nghị người lao động",
    "--recommendations", "Đề nghị Ban Chỉ đạo thành phố nhân rộng mô hình đối thoại định kỳ");
sync("tham", "luan", "khoa", "luan");

const merged = JSON.parse(srv("answers", "--db", db, "--plan", PLAN, "--json"));
const answeredIn = (code) => merged.units.find((u) => u.code === code).items.filter((i) => i.answered).length;

const results = [];
async function check(name, body) {
  try {
    await body();
    results.push([name, null]);
    console.log("ok   " + name);
  } catch (e) {
    results.push([name, e]);
    console.log("FAIL " + name + "\n     " + String(e && e.stack || e).split("\n").slice(0, 6).join("\n     "));
  }
}

const browser = await playwright.chromium.launch({executablePath: chromiumPath, headless: true,
                                                 args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                                                        "--disable-background-networking", "--disable-component-update",
                                                        "--disable-sync", "--no-first-run"]});
const pageErrors = [];
async function newPage() {
  const context = await browser.newContext({viewport: {width: 1280, height: 900}, acceptDownloads: true,
                                            locale: "vi-VN", timezoneId: "Asia/Ho_Chi_Minh"});
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on("pageerror", (e) => pageErrors.push(e.message));
  return page;
}
async function logIn(page, name) {
  await page.goto(url + "/");
  await page.fill("#login-name", name);
  await page.fill("#login-password", PASSWORDS[name]);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#totals");
}
// A same-origin fetch from the page, as a script on it (or a forged request) would send it.
function fetchFromPage(page, path, body, headers) {
  return page.evaluate(async ([path, body, headers]) => {
    const r = await fetch(path, {method: "POST", headers: Object.assign({"Content-Type": "application/json"}, headers),
                                 body: JSON.stringify(body)});
    return {status: r.status, body: await r.json()};
  }, [path, body, headers || {}]);
}
const planHash = (page) => "#/" + page + "/" + encodeURIComponent(PLAN);

const leader = await newPage();
try {
  await check("the leader logs in and sees the seed plan's progress after the synced scenario", async () => {
    await logIn(leader, "luan");
    assert.match(await leader.textContent("h1"), /31-KH\/BCĐTP/);
    for (const code of ["Q4", "P10Q4", "CNSG", "CSTN", "CG", "TTCT"]) {
      const row = leader.locator(`tr[data-unit="${code}"]`);
      assert.equal(await row.count(), 1, code);
      const items = merged.units.find((u) => u.code === code).items.length;
      assert.equal((await row.locator("td.num").first().textContent()).trim(), `${answeredIn(code)}/${items}`, code);
    }
    const total = merged.units.reduce((n, u) => n + u.items.filter((i) => i.answered).length, 0);
    assert.equal((await leader.textContent('#totals [data-key="answered"] .number')).trim(), String(total));
    assert.equal((await leader.textContent('#totals [data-key="open_conflicts"] .number')).trim(), "1");
  });

  await check("a unit shows each part with its author, time and history; typed markup stays text", async () => {
    await leader.click('tr[data-unit="Q4"] a');
    await leader.waitForSelector('article[data-item="A5"]');
    const a5 = leader.locator('article[data-item="A5"]');
    assert.match(await a5.locator('tr[data-field="rating"] td.value').textContent(), /Tốt/);
    assert.match(await a5.locator('tr[data-field="results"]').textContent(), /Dân vận khéo.*luan|luan/s);
    await a5.locator("details.history summary").click();
    assert.ok(await a5.locator("details.history li").count() >= 2, "A5's history lists the edits of both inspectors");
    await leader.screenshot({path: join(shots, "unit-checklist.png"), fullPage: true});
    await leader.goto(url + "/" + planHash("overview"));
    await leader.click('tr[data-unit="TTCT"] a');
    const limitation = leader.locator('article[data-item="A3"] tr[data-field="limitations"] td.value');
    assert.equal(await limitation.textContent(), HOSTILE);
    assert.equal(await leader.locator("main img").count(), 0);
    assert.equal(await leader.evaluate(() => window.__xss), undefined);
    await leader.goto(url + "/" + planHash("overview"));
    await leader.click('tr[data-unit="Q4"] a');
    await leader.waitForSelector('article[data-item="A1"]');
  });

  await check("the leader approves an answer with a comment", async () => {
    const a1 = leader.locator('article[data-item="A1"]');
    await a1.locator("input.comment").fill("Đầy đủ, đúng kế hoạch");
    await a1.locator("button.approve").click();
    await leader.waitForSelector('article[data-item="A1"] .badge.state-approved');
    assert.match(await leader.textContent('article[data-item="A1"] .comment-shown'), /Đầy đủ, đúng kế hoạch/);
  });

  await check("the leader opens the conflict, sees both values side by side and resolves it", async () => {
    await leader.goto(url + "/" + planHash("conflicts"));
    const card = leader.locator("article.conflict");
    await card.first().waitFor();
    assert.equal(await card.count(), 1);
    const sides = await card.locator(".side .value").allTextContents();
    assert.deepEqual(sides.slice().sort(), ["Hội nghị người lao động tổ chức tháng 1",
                                            "Hội nghị người lao động tổ chức tháng 3"]);
    await leader.screenshot({path: join(shots, "conflicts.png"), fullPage: true});
    await card.locator("button.keep-loser").click();
    await leader.waitForSelector("#no-conflicts");
    assert.match(srv("conflicts", "--db", db, "--plan", PLAN), /Không có xung đột/);
  });

  await check("the leader approves a visit's conclusion", async () => {
    await leader.goto(url + "/" + planHash("conclusions"));
    await leader.waitForSelector("article.conclusion");
    const v2 = leader.locator('article.conclusion[data-visit="V2"]');
    assert.match(await v2.textContent(), /nhân rộng mô hình đối thoại định kỳ/);
    assert.equal(await leader.locator('article.conclusion[data-visit="V1"] button.approve').count(), 0);  // none yet
    await v2.locator("input.comment").fill("Thống nhất");
    await v2.locator("button.approve").click();
    await leader.waitForSelector('article.conclusion[data-visit="V2"] .badge.state-approved');
    await leader.screenshot({path: join(shots, "conclusions.png"), fullPage: true});
    // The decision is an ordinary synced change: the deputy's tablet shows it.
    tab("tham", "sync");
    assert.match(tab("tham", "checklist", "--unit", "CNSG"), /Đã duyệt/);
  });

  await check("search finds findings and conclusions without accents", async () => {
    await leader.goto(url + "/" + planHash("search"));
    await leader.fill("#search-input", "thoa uoc lao dong");
    await leader.press("#search-input", "Enter");
    await leader.waitForSelector("#search-results li");
    const hits = await leader.locator("#search-results li").allTextContents();
    assert.equal(hits.length, 1, hits.join(" | "));
    assert.match(hits[0], /B3.*Thỏa ước lao động tập thể được ký kết và công khai/s);
    await leader.fill("#search-input", "DOI THOAI dinh ky");
    await leader.press("#search-input", "Enter");
    await leader.waitForSelector('#search-results li:has-text("V2")');
    assert.match(await leader.textContent("#search-results"), /nhân rộng mô hình đối thoại định kỳ/);
  });

  await check("a POST without the CSRF token is refused", async () => {
    const refused = await fetchFromPage(leader, "/api/review",
                                        {plan: PLAN, unit: "Q4", item: "A2", status: "approved"});
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, "csrf");
  });

  await check("the overview counts the approvals and the resolved conflict", async () => {
    await leader.goto(url + "/" + planHash("overview"));
    await leader.waitForSelector("#totals");
    assert.equal((await leader.textContent('#totals [data-key="approved"] .number')).trim(), "1");
    assert.equal((await leader.textContent('#totals [data-key="open_conflicts"] .number')).trim(), "0");
    assert.match(await leader.textContent('tr[data-unit="Q4"]'), /A1/);
    await leader.screenshot({path: join(shots, "plan-overview.png"), fullPage: true});
  });

  await check("the CSV export downloads, UTF-8 with a BOM, with the scenario's answers", async () => {
    await leader.goto(url + "/" + planHash("overview"));
    await leader.waitForSelector("#export-csv");
    const [download] = await Promise.all([leader.waitForEvent("download"), leader.click("#export-csv")]);
    const file = join(artifacts, "export.csv");
    await download.saveAs(file);
    const bytes = readFileSync(file);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = bytes.toString("utf8");
    assert.match(text, /Phối hợp với Ủy ban Mặt trận Tổ quốc quận/);
    assert.match(text, /Hội nghị người lao động tổ chức tháng/);
  });

  await check("the report opens, print-ready, with the plan and its findings", async () => {
    const [report] = await Promise.all([leader.context().waitForEvent("page"), leader.click("#report-link")]);
    await report.waitForLoadState();
    assert.match(await report.title(), /31-KH\/BCĐTP/);
    const body = await report.textContent("body");
    assert.match(body, /Quận ủy Quận 4/);
    assert.match(body, /Hội nghị chuyên đề lồng ghép vào sinh hoạt chi bộ định kỳ/);
    assert.ok(body.includes(HOSTILE), "typed markup is shown as text in the report");
    // The session's conclusion is in the across-units lists, traced to its session.
    const line = report.locator("section.across li", {hasText: "nhân rộng mô hình đối thoại định kỳ"});
    assert.equal(await line.count(), 1);
    assert.match(await line.textContent(), /Đợt làm việc V2 .*· Kết luận · Ngô Văn Luận \(luan\)/s);
    assert.equal(await report.locator("img").count(), 0);
    assert.equal(await report.evaluate(() => window.__xss), undefined);
    await report.screenshot({path: join(shots, "report.png")});  // its first page, for the README
    await report.screenshot({path: join(shots, "report-full.png"), fullPage: true});
    await report.close();
  });

  await check("a malformed link shows a message and a way back, not a blank page", async () => {
    await leader.goto(url + "/#/overview/%E0%A4%A");  // cut inside a percent-encoded letter
    await leader.waitForSelector("#bad-link");
    assert.match(await leader.textContent("#bad-link"), /không hợp lệ/);
    await leader.click("#go-home");
    await leader.waitForSelector("#totals");
  });

  await check("the interface switches to English", async () => {
    await leader.click("#lang-switch");
    await leader.waitForSelector('#nav a:has-text("Overview")');
    assert.match(await leader.textContent('#totals [data-key="answered"] .label'), /Answered/);
    await leader.click("#lang-switch");
    await leader.waitForSelector('#nav a:has-text("Tổng quan")');
  });
} finally {
  await leader.context().close();
}

// A second conflict, in session 1 where the member works, left open for the member's checks: he
// and the leader fill the same part offline.
tab("khoa", "answer", "--unit", "Q4", "--item", "A6", "--results", "Khoa: quy ước đã niêm yết ở 8/10 khu phố");
tab("luan", "answer", "--unit", "Q4", "--item", "A6", "--results", "Luận: quy ước đã niêm yết ở 10/10 khu phố");
sync("khoa", "luan");
const openConflicts = () => JSON.parse(srv("conflicts", "--db", db, "--plan", PLAN, "--json"));
const memberConflict = openConflicts().find((c) => c.unit.code === "Q4" && c.item.code === "A6");

const member = await newPage();
try {
  await check("a member's login shows their visits with no leader action anywhere, an open conflict of theirs included", async () => {
    assert.ok(memberConflict, "the scenario left an open conflict on Q4 A6, in the member's session");
    await logIn(member, "khoa");
    await member.screenshot({path: join(shots, "member-overview.png"), fullPage: true});
    assert.equal(await member.locator("#report-link").count(), 0);
    assert.equal(await member.locator('tr[data-unit="CNSG"]').count(), 0);  // V2 is not his
    await member.click('tr[data-unit="Q4"] a');
    await member.waitForSelector('article[data-item="A6"]');
    // The current value (the leader's, the later edit) shows, with no review action.
    assert.match(await member.textContent('article[data-item="A6"] tr[data-field="results"]'), /Luận: quy ước/);
    assert.equal(await member.locator("button.approve, button.ask-changes").count(), 0);
    // Conflicts go to the session's leader and deputy only (docs/PROTOCOL.md, as the sync API):
    // not listed for him, so nothing to press, while it is open for the leader.
    await member.goto(url + "/" + planHash("conflicts"));
    await member.waitForSelector("#no-conflicts");
    assert.equal(await member.locator("article.conflict, button.keep-winner, button.keep-loser, button.keep-value")
                   .count(), 0);
    const listed = await member.evaluate(async (plan) =>
      (await (await fetch("/api/conflicts?plan=" + encodeURIComponent(plan))).json()).conflicts, PLAN);
    assert.deepEqual(listed, []);
    assert.ok(openConflicts().some((c) => c.id === memberConflict.id), "still open");
  });

  await check("the API refuses the member's leader actions with 403, CSRF token and all", async () => {
    const me = await member.evaluate(async () => (await fetch("/api/me")).json());
    const token = {"X-CSRF-Token": me.csrf_token};
    for (const item of ["A1", "A2"]) {  // answered and not: refused alike
      const review = await fetchFromPage(member, "/api/review",
                                         {plan: PLAN, unit: "Q4", item, status: "approved"}, token);
      assert.equal(review.status, 403, JSON.stringify(review.body));
    }
    for (const keep of ["winner", "loser"]) {  // the open conflict of his own session
      const resolve = await fetchFromPage(member, "/api/resolve", {id: memberConflict.id, keep}, token);
      assert.equal(resolve.status, 403, JSON.stringify(resolve.body));
    }
    assert.ok(openConflicts().some((c) => c.id === memberConflict.id), "the refused resolve changed nothing");
    const csv = await member.evaluate(async (p) => (await fetch(p)).status,
                                      "/plans/" + encodeURIComponent(PLAN) + "/export.csv");
    assert.equal(csv, 403);
  });
} finally {
  await member.context().close();
}

await check("no script error on any page", async () => assert.deepEqual(pageErrors, []));

await browser.close();
server.kill("SIGTERM");
await new Promise((done) => {
  const force = setTimeout(() => server.kill("SIGKILL"), 10000);
  server.on("exit", () => { clearTimeout(force); done(); });
  if (server.exitCode !== null) done();
});
const failed = results.filter(([, e]) => e).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
if (failed === 0) rmSync(work, {recursive: true, force: true});
else console.log("browser test: the scenario's stores are kept in " + work);
process.exit(failed ? 1 : 0);
