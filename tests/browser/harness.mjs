// Shared by the browser test and the screenshot script: start the real
// `jobtag serve` on a free port, and Debian's Chromium through Playwright.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The binary under test: $JOBTAG_BIN, else the debug build cargo made. */
export function binary() {
  if (process.env.JOBTAG_BIN) return process.env.JOBTAG_BIN;
  const target = process.env.CARGO_TARGET_DIR || path.join(repo, 'target');
  return path.resolve(repo, target, 'debug', 'jobtag');
}

/**
 * Start `jobtag serve --addr 127.0.0.1:0 ...extra`; resolves to
 * `{ base, stop }` once its first stdout line says where it listens.
 */
export function startServer(extra = []) {
  const child = spawn(binary(), ['serve', '--addr', '127.0.0.1:0', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`jobtag serve did not start in 30 s: ${stderr}`));
    }, 30_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${binary()}: ${e.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`jobtag serve exited (${code}) before listening: ${stderr}`));
    });
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const m = /^jobtag serve listening on (http:\/\/\S+)$/.exec(line.trim());
      if (!m) {
        child.kill('SIGKILL');
        reject(new Error(`unexpected first line: ${line}`));
        return;
      }
      child.removeAllListeners('exit');
      resolve({ base: m[1], stop });
    });
  });
}

/** Chromium as the CI runs it: Debian's package, headless, no extra traffic. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
