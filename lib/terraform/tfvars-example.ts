import type { DeploymentPlan } from '../day2/deployment-plan';

/** An example value of a secret variable: what it holds, never a real value. */
function placeholder(variable: string): string {
  if (variable === 'sops_age_key') return 'AGE-SECRET-KEY-1...';
  if (variable === 'traefik_admin_users') return 'admin:$2y$05$... (htpasswd -nbB admin <password>)';
  return `<${variable}>`;
}

/**
 * `terraform.tfvars.example`: every variable the stack needs, with its description, and placeholders in
 * place of the secret values (copy it to `terraform.tfvars`, fill it in, keep that file out of Git; or set
 * `TF_VAR_<name>` instead).
 */
export function tfvarsExample(plan: DeploymentPlan): string {
  const lines = [
    '# Variables of the ballast stack. Copy to terraform.tfvars (git-ignored) or export TF_VAR_<name>.',
    '',
    '# Optional: how Terraform reaches the cluster.',
    '# kubeconfig_path = "~/.kube/config"',
    '# kube_context    = ""',
    '',
  ];
  for (const v of plan.terraform.variables) {
    lines.push(`# ${v.description}${v.constraint ? ` ${v.constraint.message}` : ''}`, `${v.variable} = ${JSON.stringify(placeholder(v.variable))}`, '');
  }
  return lines.join('\n');
}
