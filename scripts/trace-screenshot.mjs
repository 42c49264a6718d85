// Takes the picture for scripts/trace-screenshot: starts headless Chromium, opens one trace in the Aspire
// dashboard, waits until the page shows TEXT (the dashboard draws the trace over a websocket after the page has
// loaded), and saves a PNG. Usage: node --experimental-websocket trace-screenshot.mjs URL TEXT FILE PROFILE
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const [url, expectedText, file, profile] = process.argv.slice(2);
const chromium = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--hide-scrollbars', `--user-data-dir=${profile}`,
  '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
const fail = (why) => { console.error(`error: ${why}`); chromium.kill(); process.exit(1); };
setTimeout(() => fail(`the page did not show '${expectedText}' within 90 s`), 90_000).unref();

const endpoint = await new Promise((resolve) => {
  let text = '';
  chromium.stderr.on('data', (chunk) => {
    text += chunk;
    const match = text.match(/DevTools listening on (ws:\/\/\S+)/);
    if (match) resolve(match[1]);
  });
});

const socket = new WebSocket(endpoint);
await new Promise((resolve) => socket.addEventListener('open', resolve));
let next = 0;
const pending = new Map();
socket.addEventListener('message', (event) => {
  const message = JSON.parse(event.data);
  if (message.id && pending.has(message.id)) {
    pending.get(message.id)(message);
    pending.delete(message.id);
  }
});
const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
  const id = ++next;
  pending.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
  socket.send(JSON.stringify({ id, method, params, sessionId }));
});

const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
await send('Emulation.setDeviceMetricsOverride', { width: 1600, height: 1500, deviceScaleFactor: 1, mobile: false },
  sessionId);
await send('Page.enable', {}, sessionId);
await send('Page.navigate', { url }, sessionId);

// The dashboard renders after load; look again until its spans are on the page, then let it settle.
const shows = async () => (await send('Runtime.evaluate',
  { expression: `document.body && document.body.innerText.includes(${JSON.stringify(expectedText)})`, returnByValue: true },
  sessionId)).result.value === true;
while (!(await shows())) await new Promise((resolve) => setTimeout(resolve, 250));
await new Promise((resolve) => setTimeout(resolve, 1500));

const { data } = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
writeFileSync(file, Buffer.from(data, 'base64'));
const exited = new Promise((resolve) => chromium.on('exit', resolve));
chromium.kill();
await exited; // its profile folder is the caller's to delete once it is gone
process.exit(0);
