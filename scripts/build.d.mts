export declare function stale(): Array<'server' | 'web'>;
export declare function bundle(options: { entryPoints: Record<string, string>; outdir: string }): Promise<void>;
export declare function buildServer(): Promise<void>;
export declare function buildWeb(): void;
