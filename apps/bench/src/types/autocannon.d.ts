// The part of autocannon 9's programmatic API the workers suite uses (the package ships no types).
declare module 'autocannon' {
  interface Options {
    readonly url: string;
    readonly connections?: number;
    readonly amount?: number;
    readonly duration?: number;
  }
  interface Result {
    /** Seconds the run took. */
    readonly duration: number;
    readonly requests: { readonly total: number; readonly average: number };
    readonly errors: number;
    readonly non2xx: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
