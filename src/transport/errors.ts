/**
 * Error codes of the transport layer (serial KISS TNCs, KISS over TCP, in-memory pairs) and of
 * the transport factory. Each description names the fix an operator can apply.
 */
import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const TRANSPORT_ERRORS = {
  RS_ERR_PORT_NOT_FOUND: {
    exit: EXIT.UNAVAILABLE,
    description:
      'No such serial port. Check the device path (ls /dev/serial/by-id/ on Linux), that the TNC is plugged in and powered, and pass it with --port.',
  },
  RS_ERR_PORT_BUSY: {
    exit: EXIT.TEMPFAIL,
    description:
      'The serial port is in use by another program (Dire Wolf, a terminal, another radiosync). Close that program (`fuser DEV` names it) and try again.',
  },
  RS_ERR_PORT_PERMISSION: {
    exit: EXIT.UNAVAILABLE,
    description:
      'Permission denied opening the serial port. Add your user to the group that owns it (usually `sudo usermod -aG dialout $USER`, then log in again).',
  },
  RS_ERR_PORT_OPEN_FAILED: {
    exit: EXIT.IO,
    description: 'The serial port could not be opened for another reason (see the message); check the device, the baud rate and the cable.',
  },
  RS_ERR_KISS_TCP_REFUSED: {
    exit: EXIT.UNAVAILABLE,
    description:
      'Nothing is listening at the KISS TCP address. Start the soft TNC (Dire Wolf with KISSPORT, default 8001, or `radiosync sim`) or fix --kiss-tcp HOST:PORT.',
  },
  RS_ERR_KISS_TCP_TIMEOUT: {
    exit: EXIT.UNAVAILABLE,
    description: 'The KISS TCP connection was not accepted within the connect timeout. Check the host, the port and any firewall between.',
  },
  RS_ERR_KISS_TCP_HOST_NOT_FOUND: {
    exit: EXIT.UNAVAILABLE,
    description: 'The KISS TCP host name does not resolve. Check the spelling in --kiss-tcp HOST:PORT, or use an IP address.',
  },
  RS_ERR_KISS_TCP_CONNECT_FAILED: {
    exit: EXIT.UNAVAILABLE,
    description: 'The KISS TCP connection failed for another reason (see the message); check the network and the soft TNC.',
  },
  RS_ERR_TRANSPORT_CLOSED: {
    exit: EXIT.IO,
    description: 'Data was written to a transport after it was closed (by radiosync, the TNC or the OS). Reopen the transport.',
  },
  RS_ERR_TRANSPORT_DISCONNECTED: {
    exit: EXIT.IO,
    description: 'The TNC went away: the serial device was unplugged or the KISS TCP peer closed the connection. Check the TNC and reconnect.',
  },
  RS_ERR_TRANSPORT_WRITE_FAILED: {
    exit: EXIT.IO,
    description: 'The OS refused a write to the serial port or socket (see the message); the transport is probably broken, reopen it.',
  },
  RS_ERR_TRANSPORT_SPEC_INVALID: {
    exit: EXIT.USAGE,
    description:
      'A transport specification is malformed: use --port DEV --baud N for a serial TNC or --kiss-tcp HOST:PORT for a soft TNC; the message names the bad value.',
  },
} as const satisfies ErrorCatalog;

export type TransportErrorCode = keyof typeof TRANSPORT_ERRORS;
