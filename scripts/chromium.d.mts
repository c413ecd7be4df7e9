export declare const INSTALL_HINT: string;
export declare function findChromium(env?: NodeJS.ProcessEnv): string | null;
export declare function ensureChromium(options?: { log?: (line: string) => void }): string | null;
