/**
 * SerialTransport over serialport's MockBinding: the real serialport stream code, with the OS
 * binding swapped for the mock one (`SerialPortMock`), as serialport's own tests do. Node alone
 * runs these; the same transport over real pseudo-terminals is test/interop/serialPty.test.ts.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialPortMock } from 'serialport';
import { SerialTransport, serialOpenError } from '../../src/transport/SerialTransport.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { transportCompliance } from './compliance.js';

/** serialport's MockBinding (from @serialport/binding-mock, which serialport itself depends on). */
const MockBinding = SerialPortMock.binding;
type MockPortBinding = NonNullable<SerialPortMock['port']>;

/** The mock binding under a transport (tests only: the port is private to SerialTransport). */
function binding(t: SerialTransport): MockPortBinding {
  return (t as unknown as { port: SerialPortMock }).port.port!;
}

/** A null-modem cable: what one mock port's program writes, the other's device "receives". */
function nullModem(from: MockPortBinding, to: MockPortBinding): void {
  const write = from.write.bind(from);
  from.write = async (buf: Buffer) => {
    await write(buf);
    if (to.isOpen) to.emitData(Buffer.from(buf));
  };
}

let seq = 0;
const mockPath = () => `/dev/ttyMOCK${++seq}`;

afterEach(() => MockBinding.reset());

transportCompliance({
  name: 'SerialTransport over MockBinding (two ports, null-modem)',
  // closing one end of a null-modem tells the other end nothing, as with a real cable
  peerSeesClose: false,
  async open() {
    const [pa, pb] = [mockPath(), mockPath()];
    MockBinding.createPort(pa);
    MockBinding.createPort(pb);
    const a = await SerialTransport.open({ path: pa, baudRate: 9600 }, SerialPortMock);
    const b = await SerialTransport.open({ path: pb, baudRate: 9600 }, SerialPortMock);
    nullModem(binding(a), binding(b));
    nullModem(binding(b), binding(a));
    return { a, b, cleanup: async () => {} };
  },
});

test('opens raw 8N1 without flow control, locked, at the asked speed; writes reach the device byte for byte', async () => {
  const path = mockPath();
  MockBinding.createPort(path, { record: true });
  const t = await SerialTransport.open({ path, baudRate: 1200 }, SerialPortMock);
  try {
    assert.equal(t.name, `serial:${path}@1200`);
    const o = binding(t).openOptions;
    assert.deepEqual(
      { baudRate: o.baudRate, dataBits: o.dataBits, stopBits: o.stopBits, parity: o.parity, rtscts: o.rtscts, xon: o.xon, xoff: o.xoff, lock: o.lock },
      { baudRate: 1200, dataBits: 8, stopBits: 1, parity: 'none', rtscts: false, xon: false, xoff: false, lock: true },
    );
    const frame = Uint8Array.of(0xc0, 0x00, 0xdb, 0xdc, 0xdb, 0xdd, 0xc0);
    await t.write(frame);
    await t.write(Uint8Array.of(0xc0, 0x01, 30, 0xc0));
    assert.equal(Buffer.from(binding(t).recording).toString('hex'), 'c000dbdcdbddc0c0011ec0');
  } finally {
    await t.close();
  }
});

test("the device's bytes arrive in order as Uint8Array, a TNC's banner on open included", async () => {
  const path = mockPath();
  MockBinding.createPort(path, { readyData: Buffer.from('cmd:') });
  const t = await SerialTransport.open({ path }, SerialPortMock);
  try {
    const got: number[] = [];
    let allUint8 = true;
    const want = Buffer.concat([Buffer.from('cmd:'), Buffer.from([0xc0, 0x00, 1, 2, 3, 0xc0, 0xc0, 0x00, 4, 0xc0])]);
    const done = new Promise<void>((resolve) =>
      t.onData((c) => {
        allUint8 &&= c instanceof Uint8Array;
        got.push(...c);
        if (got.length >= want.length) resolve();
      }),
    );
    await new Promise((r) => setImmediate(r));
    binding(t).emitData(Buffer.from([0xc0, 0x00, 1, 2, 3, 0xc0]));
    binding(t).emitData(Buffer.from([0xc0, 0x00, 4, 0xc0]));
    await done;
    assert.equal(Buffer.from(got).toString('hex'), want.toString('hex'));
    assert.ok(allUint8);
  } finally {
    await t.close();
  }
});

test('a locked port is RS_ERR_PORT_BUSY until its holder closes it; a port that does not exist is RS_ERR_PORT_NOT_FOUND', async () => {
  const path = mockPath();
  MockBinding.createPort(path);
  const first = await SerialTransport.open({ path }, SerialPortMock);
  await assert.rejects(SerialTransport.open({ path }, SerialPortMock), (e) => isRadiosyncError(e, 'RS_ERR_PORT_BUSY') && e.message.includes('fuser') && e.data.path === path);
  await first.close();
  const again = await SerialTransport.open({ path }, SerialPortMock);
  await again.close();
  await assert.rejects(SerialTransport.open({ path: '/dev/ttyMOCK-none' }, SerialPortMock), (e) => isRadiosyncError(e, 'RS_ERR_PORT_NOT_FOUND'));
});

test('no such port on the OS binding is RS_ERR_PORT_NOT_FOUND, naming the fix', async () => {
  await assert.rejects(
    SerialTransport.open({ path: '/dev/radiosync-no-such-tty', baudRate: 9600 }),
    (e) => isRadiosyncError(e, 'RS_ERR_PORT_NOT_FOUND') && e.message.includes('/dev/serial/by-id') && e.data.path === '/dev/radiosync-no-such-tty',
  );
});

test('bad arguments are RS_ERR_TRANSPORT_SPEC_INVALID', async () => {
  await assert.rejects(SerialTransport.open({ path: '' }), (e) => isRadiosyncError(e, 'RS_ERR_TRANSPORT_SPEC_INVALID'));
  await assert.rejects(SerialTransport.open({ path: '/dev/null', baudRate: 12.5 }), (e) => isRadiosyncError(e, 'RS_ERR_TRANSPORT_SPEC_INVALID'));
});

test('serialport error messages map to typed codes', () => {
  const code = (m: string) => serialOpenError(new Error(m), '/dev/x').code;
  assert.equal(code('Error: No such file or directory, cannot open /dev/x'), 'RS_ERR_PORT_NOT_FOUND');
  assert.equal(code('Error Resource temporarily unavailable Cannot lock port'), 'RS_ERR_PORT_BUSY');
  assert.equal(code('Error: Device or resource busy, cannot open /dev/x'), 'RS_ERR_PORT_BUSY');
  assert.equal(code('Error: Permission denied, cannot open /dev/x'), 'RS_ERR_PORT_PERMISSION');
  assert.equal(code('Error: Input/output error setting custom baud rate of 7'), 'RS_ERR_PORT_OPEN_FAILED');
});
