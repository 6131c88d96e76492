// Types of postgres-cluster.js (plain JavaScript so the bench can use it).

export interface Cluster {
  url: string;
  dir: string;
  bin: string;
}

export function findPostgresBin(): Promise<string>;
export function startCluster(dir: string, options?: { durable?: boolean }): Promise<Cluster>;
export function stopCluster(dir: string): Promise<void>;
export function startAgain(dir: string): Promise<void>;
