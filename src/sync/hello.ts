/**
 * HELLO bodies (the link carries them opaquely; src/link/controlFrames.ts):
 *
 *   0x42 'B' ‖ ASCII text      beacon: "radiosync/1 <CALL>", readable in any AX.25 monitor; the
 *                              AX.25 source address is the station identification
 *   0x53 'S'                   sync request: "send me what I have not acknowledged" (the `sync`
 *                              command's second half, as in the blueprint: A sends, then B sends)
 *   0x4E 'N'                   answer to a sync request: "I have nothing you lack"
 */
export const HelloKind = { Beacon: 0x42, SyncRequest: 0x53, NothingPending: 0x4e } as const;
export const NOTHING_PENDING_BODY = Uint8Array.of(HelloKind.NothingPending);

export function beaconBody(callsign: string): Uint8Array {
  return new TextEncoder().encode(`Bradiosync/1 ${callsign}`);
}

export const SYNC_REQUEST_BODY = Uint8Array.of(HelloKind.SyncRequest);
