import type { PlacementPlan } from '../plan/placement';
import type { ReferenceData } from '../reference/locate';
import type { SecretStore } from '../secrets/secret-store';
import type { Change, Handover } from './guard';
import type { KeptImage } from './image-tags';
import type { Inventory, RetiredResource } from './inventory';

/**
 * A finished plan: the placement (lib/plan), compared with the previous synth by the day-2 guard. This is
 * what the Flux and Terraform backends render and what `diff` reports.
 */
export interface DeploymentPlan extends PlacementPlan {
  /** Day 2: this synth compared with the previous one. */
  readonly day2: {
    /** What this synth puts where; written to `<flux output>/.ballast/inventory.json`. */
    readonly inventory: Inventory;
    /** Changes against the previous inventory, guarded and destructive ones first (empty on a first synth). */
    readonly changes: readonly Change[];
    /** What the backends emit to carry out acknowledged changes. */
    readonly handover: Handover;
    /** Terraform resources forgotten on purpose, this synth's and earlier ones: their removed blocks stay. */
    readonly retired: readonly RetiredResource[];
    /** The generated secret values: saved by the entry point once the output is written. */
    readonly secretStore: SecretStore;
    /** Terraform variables rotated in this synth (their write-only revision went up). */
    readonly rotatedVariables: readonly string[];
  };
  /**
   * Images under a Flux image-policy marker: the code's image of each (`<namespace>/<Deployment>`), and the
   * tags this synth keeps from the previous output because Flux's image automation committed them.
   */
  readonly images: { readonly code: Readonly<Record<string, string>>; readonly kept: readonly KeptImage[] };
}

/** What a plan is compared with, and what the user allows. */
export interface PlanOptions {
  /**
   * The inventory of the previous synth (in its Flux output), compared with this plan.
   * @default none: a first synth, nothing to compare
   */
  readonly previous?: Inventory;
  /**
   * The Flux folder of the previous output: named in messages, and read for the image tags Flux's image
   * automation committed there. @default none ('the previous output' in messages)
   */
  readonly previousOutput?: string;
  /**
   * Guarded changes this synth may make, by inventory id (`release/monitoring/kube-prometheus-stack`,
   * `namespace/database`...): removing something that holds data, moving a namespace, release or Secret
   * between Flux and Terraform, renaming a release or namespace. Synth lists the ids it refuses; an id
   * that names nothing guarded is an error. A per-run decision, never part of the platform's description
   * (`--acknowledge`, `BALLAST_ACKNOWLEDGE`).
   * @default none
   */
  readonly acknowledge?: readonly string[];
  /**
   * Secrets to give a new value in this synth, by name: a generated secret (`sonarqube_db_password`) gets a
   * new random value; a Terraform variable gets a new write-only revision, so that `terraform apply` sends
   * its current value. A per-run decision (`--rotate`, `BALLAST_ROTATE`).
   * @default none
   */
  readonly rotate?: readonly string[];
  /**
   * False to report guarded changes in `day2.changes` instead of failing (what `diff` does).
   * @default true
   */
  readonly enforceGuard?: boolean;
  /**
   * Reference data to check chart values against, or 'none' to skip that check (with a note).
   * @default the reference data found by `locateReferenceData()` when the plan starts
   */
  readonly reference?: ReferenceData | 'none';
}
