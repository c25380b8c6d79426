/**
 * The load client's floor: an MLLP server that does nothing but answer. It frames (VT … FS),
 * reads MSH-10 for the ACK's MSA-2 (the client matches ACKs to messages) and writes a fixed ACK
 * at once: no parsing, no store, no pipeline. What the client reaches against it is the most
 * any server can show in this bench on this machine.
 */
import net from 'node:net';

const VT = 0x0b;
const FS = 0x1c;
const BAR = 0x7c;
const CR = 0x0d;
const HEAD = Buffer.from('\x0bMSH|^~\\&|NULL|NULL|BENCH|BENCH|20250101000000||ACK|1|P|2.5.1\rMSA|AA|', 'latin1');
const TAIL = Buffer.from('\r\x1c\r', 'latin1');

/** MSH-10 of a frame's content: the text after the ninth field separator of the first segment. */
function controlId(frame: Buffer): Buffer {
  let bars = 0;
  for (let i = 0; i < frame.length && frame[i] !== CR; i++) {
    if (frame[i] !== BAR) continue;
    bars += 1;
    if (bars === 9) {
      let end = i + 1;
      while (end < frame.length && frame[end] !== BAR && frame[end] !== CR) end++;
      return frame.subarray(i + 1, end);
    }
  }
  return Buffer.alloc(0);
}

export async function nullServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const acks: Buffer[] = [];
      let start = pending.indexOf(VT);
      while (start >= 0) {
        const end = pending.indexOf(FS, start);
        if (end < 0) break;
        acks.push(HEAD, controlId(pending.subarray(start + 1, end)), TAIL);
        start = pending.indexOf(VT, end);
      }
      pending = start < 0 ? Buffer.alloc(0) : pending.subarray(start);
      if (acks.length > 0) socket.write(Buffer.concat(acks));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
