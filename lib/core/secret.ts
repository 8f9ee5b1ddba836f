/** A rule a secret value must follow (a Terraform variable validation). */
export interface SecretConstraint {
  /** RE2 pattern the whole value must match, e.g. `^[A-Za-z0-9]{16,}$`. */
  readonly pattern: string;
  /** Said when the value does not match. */
  readonly message: string;
}

/**
 * A secret value that ballast never sees: it is supplied at deploy time through a sensitive Terraform
 * variable, so neither `dist/flux` nor `dist/cdktf` ever contains it.
 */
export class SecretValue {
  /**
   * A value read from the sensitive Terraform variable `name` (set it with `TF_VAR_<name>`).
   * @param description shown by `terraform plan` when the variable is missing
   */
  public static fromVariable(name: string, description: string, constraint?: SecretConstraint): SecretValue {
    return new SecretValue(name, description, constraint);
  }

  private constructor(
    /** Terraform variable name. */
    public readonly variable: string,
    public readonly description: string,
    /** What a valid value looks like: Terraform refuses any other before it writes anything. */
    public readonly constraint?: SecretConstraint,
  ) {}
}

/**
 * A Kubernetes Secret that the Terraform bootstrap creates before anything else, from sensitive
 * variables. Components reference it by name (charts' `existingSecret`, Traefik's basic auth, Flux
 * `valuesFrom`); its values never reach the Git repository.
 */
export interface BootstrapSecret {
  readonly namespace: string;
  readonly name: string;
  /** @default Opaque */
  readonly type?: string;
  /** @default none */
  readonly labels?: Record<string, string>;
  /** Secret keys and the values they take; plain strings are for parts that are not secret (user names). */
  readonly data: Record<string, SecretValue | string>;
}
