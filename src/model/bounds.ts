/** The bounds of a search: the fault budget of Molly's model. */
export interface Bounds {
  /** End of time: steps 1..eot are run. */
  readonly eot: number;
  /** End of finite failures: omissions only for send times < eff. */
  readonly eff: number;
  /** At most this many nodes crash. */
  readonly crashes: number;
  /** The live locations. */
  readonly nodes: readonly string[];
}
