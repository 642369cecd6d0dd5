// Types of cpu.mjs (kept as plain JS so pool threads load it without a TypeScript loader).
export declare function setup(): { body: Buffer };
export declare function gzip(level: number, state: { body: Buffer }): Promise<number>;
export declare function noop<T>(payload: T): Promise<T>;
export declare function gzipTask(level: number): number;
export declare function gzipLoopTask(task: { level: number; count: number }): number;
export declare function noopTask<T>(payload: T): T;
