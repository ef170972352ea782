/**
 * Largest frame the simulated radio accepts: 2120 bytes (AX.25 header with 8 digipeaters, 72 bytes,
 * plus 2048 bytes of info, a generous N1), matching the framing layer's largest AX.25 frame.
 * Its own file so that SimRadio and SimKissPort both read it without importing each other.
 */
export const MAX_SIM_FRAME_BYTES = 2120;
