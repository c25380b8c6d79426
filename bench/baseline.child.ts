/**
 * The naive baseline: split the same file, then parse every message fully with node-hl7-client
 * (every field of every segment materialised), which is what an extractor built directly on
 * it would do before it could tell whether the profile uses the message.
 */
import { createReadStream } from 'node:fs';
import { Message } from 'node-hl7-client';
import { Hl7Splitter } from '../src/hl7/split.js';

const [feed] = process.argv.slice(2) as [string];
const started = performance.now();
const splitter = new Hl7Splitter();
let messages = 0;
let fields = 0;

function parseFully(text: string): void {
  const msg = new Message({ text });
  for (const line of text.split('\r')) {
    const name = line.slice(0, 3);
    const list = msg.get(name);
    list.forEach((segment) => {
      segment.forEach((field) => {
        fields += field.toString().length > 0 ? 1 : 0;
      });
    });
  }
  messages += 1;
}

for await (const chunk of createReadStream(feed, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
  for (const item of splitter.push(chunk)) if (item.kind === 'message') parseFully(item.text);
}
for (const item of splitter.end()) if (item.kind === 'message') parseFully(item.text);
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ messages, seconds: (performance.now() - started) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, cpuSeconds: (cpu.user + cpu.system) / 1e6, extra: { fields } })}\n`);
