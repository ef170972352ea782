/** The part of pino-roll (4.x, plain JS) radiosync uses: an async factory of a SonicBoom stream. */
declare module 'pino-roll' {
  import type SonicBoom from 'sonic-boom';
  interface PinoRollOptions {
    file: string;
    size?: string | number;
    frequency?: string | number;
    extension?: string;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    mkdir?: boolean;
    symlink?: boolean;
  }
  export default function pinoRoll(opts: PinoRollOptions): Promise<SonicBoom>;
}
