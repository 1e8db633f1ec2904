/**
 * The local host connector against a REAL process posing as a miner (a copy of sleep named xmrig, with
 * Stratum arguments) and a temporary root holding a crontab, a user crontab, a systemd unit and an
 * ld.so.preload entry. Each action's plan → precondition → execute → verify → undo, called directly.
 * The live scan is limited to this test's own children, so no other process on the machine is touched.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadIntel } from "../../../intel/index.js";
import { makeFinding } from "../../../model/index.js";
import { incidentFrom, realisticFindings } from "../../../report/test-helpers/incident.js";
import type { ActionDefinition, PlanStep, PlannedStep, ResponseContext } from "../../types.js";
import { blockPools, blockPorts, createHostClient, hostActions, killProcess, removeMiner, removePersistence } from "./actions.js";
import { readProc } from "./proc.js";
import { FILES, LINKS, MINER_PATH, exited, makeRoot, startMiner, startService } from "./test-helpers/fake-host.js";
import { needTool, runTool } from "../../emitters/test-helpers/tools.js";

const intel = loadIntel({ importDirs: [] });
/** The entry vector: postgres (the victim service) ran the dropper. Its name must never make postgres a target. */
const entryVector = makeFinding({
  rule: { id: "minerhunt.host.entry-vector", name: "entry vector", kind: "detector" }, title: "postgres ran a downloaded script on build-01",
  trigger: "host", kind: "process", severity: "high", confidence: 0.7, firstSeen: "2026-11-19T22:39:00Z", lastSeen: "2026-11-19T22:39:00Z",
  entities: { hosts: ["build-01.corp.example.com"] },
  observables: [{ type: "process", value: "postgres" }, { type: "url", value: "http://198.51.100.23/x.sh" }],
  evidence: [{ file: "edr/build-01.ndjson", line: 3 }], facts: { "entry.service": "postgres" },
});
const findings = [...realisticFindings(), entryVector];
const incident = incidentFrom(findings);
const roots: string[] = [];
const children: ChildProcess[] = [];

after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function setup(protect: Partial<ResponseContext["protect"]> = {}): { root: string; ctx: ResponseContext } {
  const root = makeRoot();
  roots.push(root);
  const host = createHostClient({
    fsRoot: root, hostName: "build-01.corp.example.com", intel,
    // Only this test's own children: other sessions on the machine may run processes that look like miners.
    scansProcess: (p) => p.ppid === process.pid,
  });
  const ctx: ResponseContext = {
    clients: { host }, protect: { ids: [], pids: [], ...protect }, actor: "test", now: () => new Date("2026-11-20T08:00:00Z"),
    prices: { instanceUsdPerHour: () => undefined },
  };
  return { root, ctx };
}

/** A planned step with the fields the planner would add. */
function asStep(action: string, p: PlannedStep): PlanStep {
  const { key, requires, ...rest } = p;
  return { ...rest, id: `${action}:${key}`, action, checklistItems: [], requires: requires ?? [] };
}

async function plan<P>(action: ActionDefinition<P>, ctx: ResponseContext, params: P): Promise<PlanStep[]> {
  const planned = await action.plan({ incident, findings, params: action.params.parse(params), mode: "preserve-evidence", checklistItem: "containment.kill" }, ctx);
  return planned.map((p) => asStep(action.name, p));
}

async function track(child: Promise<ChildProcess>): Promise<ChildProcess> {
  const c = await child;
  children.push(c);
  return c;
}

test("the host actions carry the names PB-31 uses", () => {
  assert.deepEqual(hostActions.map((a) => a.name), ["kill-process", "remove-miner", "remove-persistence", "block-pools", "block-ports"]);
});

test("kill-process: plans the live miner with pid, start time and exe; refuses PID 1 and the test runner; kills after re-checking", { timeout: 20_000 }, async () => {
  const { root, ctx } = setup();
  const miner = await track(startMiner(root));
  const steps = await plan(killProcess, ctx, { pids: [1, process.pid, process.ppid] });
  const byPid = new Map(steps.map((s) => [Number(s.target.id), s]));
  const step = byPid.get(miner.pid!);
  assert.ok(step, "the fake miner is planned");
  assert.equal(step.refused, undefined);
  assert.equal(step.before["exe"], join(root, MINER_PATH));
  assert.equal(step.before["startTime"], readProc("/proc", miner.pid!)!.startTime);
  assert.ok((step.before["reasons"] as string[]).some((r) => r.includes("stratum+tcp://")), "found by its Stratum URL");
  assert.ok((step.before["reasons"] as string[]).some((r) => r.includes("is xmrig")), "and by its name");
  for (const pid of [1, process.pid, process.ppid]) {
    assert.ok(byPid.get(pid)?.refused, `pid ${pid} is refused`);
    assert.ok(await killProcess.precondition(byPid.get(pid)!, ctx), `pid ${pid} is refused again before execution`);
    await assert.rejects(killProcess.execute(byPid.get(pid)!, ctx), /PID 1|minerhunt/);
  }
  assert.equal(await killProcess.precondition(step, ctx), undefined);
  const result = await killProcess.execute(step, ctx);
  assert.match(String(result.detail?.["exeSha256"]), /^[0-9a-f]{64}$/, "the binary was hashed while stopped");
  assert.equal(result.detail?.["exeSha256"], createHashOf("/bin/sleep"));
  assert.equal(await exited(miner), "SIGKILL");
  const verified = await killProcess.verify(step, ctx);
  assert.equal(verified.ok, true, verified.reason);
  // Idempotent: a second run finds it gone and changes nothing.
  assert.deepEqual((await killProcess.execute(step, ctx)).detail, { alreadyGone: true });
  assert.equal(killProcess.undoable, false);
});

test("kill-process: a pid that now names another process (start time differs) is refused and not killed", { timeout: 20_000 }, async () => {
  const { root, ctx } = setup();
  const other = await track(startMiner(root));
  const [step] = (await plan(killProcess, ctx, {})).filter((s) => Number(s.target.id) === other.pid);
  assert.ok(step);
  // The plan was made for an earlier process that had the same pid: its start time was another.
  const stale: PlanStep = { ...step, before: { ...step.before, startTime: String(Number(step.before["startTime"]) - 100) } };
  const reason = await killProcess.precondition(stale, ctx);
  assert.match(reason?.en ?? "", /now belongs to another process/);
  assert.match(reason?.th ?? "", /โปรเซสอื่น/);
  await assert.rejects(killProcess.execute(stale, ctx), /not killed/);
  const stillThere = readProc("/proc", other.pid!);
  assert.ok(stillThere && stillThere.state !== "Z" && stillThere.state !== "T", "the other process still runs (and was never stopped)");
  // Likewise a different executable at the planned pid.
  const otherExe: PlanStep = { ...step, before: { ...step.before, exe: "/usr/bin/something-else" } };
  assert.match((await killProcess.precondition(otherExe, ctx))?.en ?? "", /now runs/);
  other.kill("SIGKILL");
  await exited(other);
});

test("the victim service the evidence names (postgres) is neither killed nor its cron line removed", { timeout: 20_000 }, async () => {
  const { root, ctx } = setup();
  const service = await track(startService(root));
  const miner = await track(startMiner(root));
  const pids = (await plan(killProcess, ctx, {})).map((s) => Number(s.target.id));
  assert.ok(pids.includes(miner.pid!), "the miner is planned");
  assert.ok(!pids.includes(service.pid!), "postgres is not");
  const files = (await plan(removePersistence, ctx, {})).map((s) => s.target.id);
  assert.ok(!files.includes("/etc/cron.d/pg-backup"), "the backup job that runs as postgres stays");
  assert.ok(!(await plan(removeMiner, ctx, {})).some((s) => s.target.id.includes("postgres")));
  for (const c of [service, miner]) { c.kill("SIGKILL"); await exited(c); }
});

test("kill-process: a protected host is refused", { timeout: 20_000 }, async () => {
  const { root, ctx } = setup({ ids: ["build-*.corp.example.com"] });
  const miner = await track(startMiner(root));
  const step = (await plan(killProcess, ctx, {})).find((s) => Number(s.target.id) === miner.pid);
  assert.match(step?.refused?.reason.en ?? "", /protected/);
  miner.kill("SIGKILL");
  await exited(miner);
});

function createHashOf(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

test("remove-miner: quarantines the binary by its sha256 with mode 000; undo puts it back; links are refused", async () => {
  const { root, ctx } = setup();
  // A link inside the root (to the miner itself): links are never moved, wherever they point.
  symlinkSync(join(root, MINER_PATH), join(root, "tmp/kswapd0"));
  const steps = await plan(removeMiner, ctx, { paths: ["/tmp/kswapd0"] });
  const step = steps.find((s) => s.target.id === MINER_PATH);
  assert.ok(step, "the binary the evidence names is planned");
  const hash = createHashOf(join(root, MINER_PATH));
  assert.equal(step.before["sha256"], hash);
  assert.match(steps.find((s) => s.target.id === "/tmp/kswapd0")?.refused?.reason.en ?? "", /not a regular file/);
  assert.equal(await removeMiner.precondition(step, ctx), undefined);
  const result = await removeMiner.execute(step, ctx);
  const quarantined = join(root, "var/lib/minerhunt/quarantine", hash);
  assert.ok(!existsSync(join(root, MINER_PATH)));
  assert.equal(statSync(quarantined).mode & 0o777, 0);
  assert.equal(createHashOf(quarantined), hash);
  const note = JSON.parse(readFileSync(`${quarantined}.json`, "utf8")) as { path: string; sha256: string };
  assert.deepEqual([note.path, note.sha256], [MINER_PATH, hash]);
  assert.equal((await removeMiner.verify(step, ctx)).ok, true);
  assert.deepEqual((await removeMiner.execute(step, ctx)).detail, { alreadyQuarantined: true });
  await removeMiner.undo!(step, result.undo!, ctx);
  assert.equal(createHashOf(join(root, MINER_PATH)), hash);
  assert.equal(statSync(join(root, MINER_PATH)).mode & 0o777, 0o755);
  assert.equal((await removeMiner.verify(step, ctx)).ok, false, "after undo the binary is back");
});

test("remove-miner: minerhunt's own program is refused", async () => {
  const { ctx } = setup();
  const host = createHostClient({ fsRoot: "/", intel, scansProcess: () => false });
  const steps = await plan(removeMiner, { ...ctx, clients: { host } }, { paths: [process.execPath] });
  assert.match(steps.find((s) => s.target.id === process.execPath)?.refused?.reason.en ?? "", /minerhunt's own program/);
});

test("remove-persistence: removes only the miner's lines and links, with backups; undo restores byte for byte", async () => {
  const { root, ctx } = setup();
  const steps = await plan(removePersistence, ctx, {});
  const byId = new Map(steps.map((s) => [s.target.id, s]));
  assert.deepEqual([...byId.keys()].sort(), ["/etc/crontab", "/etc/ld.so.preload", "/etc/systemd/system/sysupdate.service", "/var/spool/cron/crontabs/jenkins"]);
  assert.deepEqual(steps.map((s) => s.target.kind).sort(), ["crontab", "crontab", "preload", "systemd-unit"]);
  const results = new Map<string, Awaited<ReturnType<typeof removePersistence.execute>>>();
  for (const s of steps) {
    assert.equal(await removePersistence.precondition(s, ctx), undefined);
    results.set(s.target.id, await removePersistence.execute(s, ctx));
    const v = await removePersistence.verify(s, ctx);
    assert.equal(v.ok, true, `${s.target.id}: ${v.reason}`);
  }
  const read = (p: string): string => readFileSync(join(root, p), "utf8");
  assert.ok(!read("/etc/crontab").includes("xmrig -o"), "the miner's @reboot line is gone");
  assert.ok(read("/etc/crontab").includes("run-parts --report /etc/cron.hourly"), "the rest stays");
  assert.ok(read("/etc/crontab").includes("# xmrig was here once"), "comments stay");
  assert.equal(read("/var/spool/cron/crontabs/jenkins"), "# DO NOT EDIT THIS FILE - edit the master and reinstall.\n0 3 * * * /usr/local/bin/backup.sh\n");
  assert.equal(statSync(join(root, "/var/spool/cron/crontabs/jenkins")).mode & 0o777, 0o600, "mode kept");
  assert.equal(read("/etc/ld.so.preload"), "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n");
  assert.equal(read("/etc/cron.d/sysstat"), FILES["/etc/cron.d/sysstat"], "a crontab without the miner is untouched");
  assert.ok(!existsSync(join(root, "/etc/systemd/system/multi-user.target.wants/sysupdate.service")), "sysupdate disabled");
  assert.ok(lstatSync(join(root, "/etc/systemd/system/multi-user.target.wants/nginx.service")).isSymbolicLink(), "nginx still enabled");
  assert.equal(read("/etc/systemd/system/sysupdate.service"), FILES["/etc/systemd/system/sysupdate.service"], "the unit file stays");
  const backup = join(root, "var/lib/minerhunt/backup", String(byId.get("/etc/crontab")!.before["sha256"]).slice(0, 16), "etc/crontab");
  assert.equal(readFileSync(backup, "utf8"), FILES["/etc/crontab"], "backup holds the original");

  // A second execute changes nothing.
  for (const s of steps) if (s.target.kind !== "systemd-unit") assert.equal((await removePersistence.execute(s, ctx)).detail?.["alreadyRemoved"], true);

  for (const s of steps) await removePersistence.undo!(s, results.get(s.target.id)!.undo!, ctx);
  for (const [path, content] of Object.entries(FILES)) assert.equal(read(path), content, `${path} restored byte for byte`);
  for (const [link, target] of Object.entries(LINKS)) assert.equal(readlinkSync(join(root, link)), target, `${link} restored`);
});

test("remove-persistence: undo refuses to overwrite a file changed since", async () => {
  const { root, ctx } = setup();
  const [step] = (await plan(removePersistence, ctx, {})).filter((s) => s.target.id === "/etc/crontab");
  const r = await removePersistence.execute(step!, ctx);
  const edited = `${readFileSync(join(root, "etc/crontab"), "utf8")}# edited by a person\n`;
  writeFileSync(join(root, "etc/crontab"), edited);
  await assert.rejects(removePersistence.undo!(step!, r.undo!, ctx), /changed since/);
  assert.equal(readFileSync(join(root, "etc/crontab"), "utf8"), edited);
});

test("block-pools and block-ports: write nftables, iptables and hosts files (nft -c accepts them), never apply, undo removes them", async (t) => {
  const { root, ctx } = setup();
  const pools = await plan(blockPools, ctx, {});
  const ports = await plan(blockPorts, ctx, {});
  assert.equal(pools.length, 1);
  assert.equal(ports.length, 1);
  assert.deepEqual(ports[0]!.after["ports"], [3333]);
  assert.ok((pools[0]!.after["domains"] as string[]).includes("pool.supportxmr.com"));
  assert.equal(pools[0]!.after["applied"], false);
  const ranPrograms: string[] = [];
  const host = createHostClient({ fsRoot: root, intel, run: async (file) => { ranPrograms.push(file); return { code: 0, output: "" }; } });
  const noApplyCtx = { ...ctx, clients: { host } };
  const done = [];
  for (const s of [...pools, ...ports]) {
    done.push({ s, r: await (s.action === "block-pools" ? blockPools : blockPorts).execute(s, noApplyCtx) });
    assert.equal((await (s.action === "block-pools" ? blockPools : blockPorts).verify(s, noApplyCtx)).ok, true);
  }
  assert.deepEqual(ranPrograms, [], "nothing applied without the apply parameter");
  const dir = join(root, "var/lib/minerhunt/blocklists", incident.id);
  for (const f of ["minerhunt_pools.nft", "minerhunt-pools.iptables", "minerhunt-pools.ip6tables", "minerhunt-pools.hosts", "minerhunt_ports.nft", "minerhunt-ports.iptables"]) {
    assert.ok(existsSync(join(dir, f)), f);
  }
  assert.ok(readFileSync(join(dir, "minerhunt-pools.hosts"), "utf8").includes("0.0.0.0 pool.supportxmr.com"));
  const nft = needTool(t, "nft");
  if (nft) {
    for (const f of ["minerhunt_pools.nft", "minerhunt_ports.nft"]) {
      const r = await runTool(nft, ["-c", "-f", join(dir, f)]);
      assert.equal(r.code, 0, `${f}: ${r.output}`);
    }
  }
  for (const { s, r } of done) await (s.action === "block-pools" ? blockPools : blockPorts).undo!(s, r.undo!, noApplyCtx);
  assert.ok(!existsSync(join(dir, "minerhunt_pools.nft")) && !existsSync(join(dir, "minerhunt-ports.iptables")));
});

test("on a machine the incident does not name, kill, quarantine and persistence steps are refused (blocklists are not)", { timeout: 20_000 }, async () => {
  const { root, ctx } = setup();
  const miner = await track(startMiner(root));
  const host = createHostClient({ fsRoot: root, hostName: "ws-99.corp.example.com", intel, scansProcess: (p) => p.ppid === process.pid });
  const elsewhere = { ...ctx, clients: { host } };
  for (const a of [killProcess, removeMiner, removePersistence] as ActionDefinition<Record<string, unknown>>[]) {
    const steps = await plan(a, elsewhere, {});
    assert.ok(steps.length > 0, a.name);
    for (const s of steps) assert.match(s.refused?.reason.en ?? "", /not a host of the incident \(build-01\.corp\.example\.com/, `${a.name} ${s.id}`);
  }
  assert.equal((await plan(blockPools, elsewhere, {}))[0]?.refused, undefined);
  // A short name matches its full name; a mounted root names itself from etc/hostname.
  const short = createHostClient({ fsRoot: root, hostName: "BUILD-01", intel, scansProcess: () => false });
  assert.equal((await plan(removePersistence, { ...ctx, clients: { host: short } }, {}))[0]?.refused, undefined);
  writeFileSync(join(root, "etc/hostname"), "build-01\n");
  assert.equal(createHostClient({ fsRoot: root, intel }).hostName, "build-01");
  miner.kill("SIGKILL");
  await exited(miner);
});

test("a mounted root's links never lead the actions outside it", async () => {
  const { root, ctx } = setup();
  const outside = mkdtempSync(join(tmpdir(), "minerhunt-outside-"));
  roots.push(outside);
  // The image's /opt is a link to a folder outside the root holding a "miner"; its cron.d folder too.
  copyFileSync("/bin/sleep", join(outside, "xmrig"));
  writeFileSync(join(outside, "miner-cron"), `* * * * * root ${MINER_PATH} -o stratum+tcp://pool.supportxmr.com:3333\n`);
  symlinkSync(outside, join(root, "opt"));
  rmSync(join(root, "etc/cron.d"), { recursive: true });
  symlinkSync(outside, join(root, "etc/cron.d"));
  const miner = (await plan(removeMiner, ctx, { paths: ["/opt/xmrig"] })).find((s) => s.target.id === "/opt/xmrig");
  assert.match(miner?.refused?.reason.en ?? "", /outside the root/);
  await assert.rejects(removeMiner.execute(miner!, ctx), /outside the root/);
  assert.ok(existsSync(join(outside, "xmrig")), "nothing moved outside the root");
  const persistence = (await plan(removePersistence, ctx, {})).map((s) => s.target.id);
  assert.ok(!persistence.some((id) => id.startsWith("/etc/cron.d/")), persistence.join(", "));
});

test("without a host client every action plans one refused step", async () => {
  const { ctx } = setup();
  for (const a of hostActions) {
    const steps = await a.plan({ incident, findings, params: {}, mode: "preserve-evidence", checklistItem: "x" }, { ...ctx, clients: {} });
    assert.equal(steps.length, 1);
    assert.match(steps[0]!.refused?.reason.en ?? "", /no local host client/);
  }
});
