import { SecretValue } from '../../core/secret';

/** Options every receiver has. */
export interface ReceiverOptions {
  /** Also notify when the alerts of a notification are resolved. @default true (email: false) */
  readonly sendResolved?: boolean;
}

/** A generic webhook (an incident tool, a chat bridge, your own service). */
export interface WebhookReceiverOptions extends ReceiverOptions {
  /** The URL Alertmanager posts to; a secret, since such URLs usually carry a token. */
  readonly url: SecretValue;
  /** Alerts per message (0: all). @default 0 */
  readonly maxAlerts?: number;
}

/** Email through an SMTP server. */
export interface EmailReceiverOptions extends ReceiverOptions {
  /** Recipients. */
  readonly to: readonly string[];
  /** Sender address. */
  readonly from: string;
  /** The SMTP server as `host:port`, e.g. `smtp.example.com:587`. */
  readonly smarthost: string;
  /** @default no authentication */
  readonly authUsername?: string;
  /** Password of `authUsername`. @default none */
  readonly authPassword?: SecretValue;
  /** Require STARTTLS. @default true */
  readonly requireTls?: boolean;
}

/** A Slack channel through an incoming webhook. */
export interface SlackReceiverOptions extends ReceiverOptions {
  /** The incoming webhook URL (`https://hooks.slack.com/services/...`): a secret. */
  readonly webhookUrl: SecretValue;
  /** @default the webhook's own channel */
  readonly channel?: string;
}

/** PagerDuty through the Events API v2. */
export interface PagerDutyReceiverOptions extends ReceiverOptions {
  /** The integration's routing key: a secret. */
  readonly routingKey: SecretValue;
}

/** The kinds of receiver ballast types. */
export type AlertReceiverKind = 'webhook' | 'email' | 'slack' | 'pagerduty';

/** Where Alertmanager finds a secret of a receiver, and what the receiver's configuration reads. */
export interface ReceiverSecret {
  /** Key in the receivers' Secret, unique per receiver and field. */
  readonly key: string;
  readonly value: SecretValue;
}

/** One message line per alert, with its runbook when it has one. */
const ALERT_LINES =
  '{{ range .Alerts }}{{ if eq .Status "resolved" }}[resolved] {{ end }}{{ .Annotations.summary }}' +
  '{{ if .Annotations.runbook_url }} (runbook: {{ .Annotations.runbook_url }}){{ end }}\n{{ end }}';

/**
 * Someone Alertmanager notifies: a webhook, an email address, a Slack channel or a PagerDuty service. Every
 * credential is a SecretValue: it goes into a Secret mounted into Alertmanager, and the configuration names
 * only the file (`*_file`), so no credential is in the chart values, the Git repository or Terraform's plan.
 */
export class AlertReceiver {
  /** Posts the alerts as JSON to a URL (Alertmanager's webhook format). */
  public static webhook(name: string, options: WebhookReceiverOptions): AlertReceiver {
    return new AlertReceiver(name, 'webhook', options, [{ field: 'url', value: options?.url }]);
  }

  /** Mails the alerts. */
  public static email(name: string, options: EmailReceiverOptions): AlertReceiver {
    return new AlertReceiver(name, 'email', options, options?.authPassword === undefined ? [] : [{ field: 'auth-password', value: options.authPassword }]);
  }

  /** Posts the alerts to a Slack channel. */
  public static slack(name: string, options: SlackReceiverOptions): AlertReceiver {
    return new AlertReceiver(name, 'slack', options, [{ field: 'webhook-url', value: options?.webhookUrl }]);
  }

  /** Opens (and resolves) PagerDuty incidents. */
  public static pagerDuty(name: string, options: PagerDutyReceiverOptions): AlertReceiver {
    return new AlertReceiver(name, 'pagerduty', options, [{ field: 'routing-key', value: options?.routingKey }]);
  }

  private constructor(
    /** The receiver's name in Alertmanager's configuration. */
    public readonly name: string,
    public readonly kind: AlertReceiverKind,
    private readonly options: ReceiverOptions,
    private readonly credentials: readonly { readonly field: string; readonly value: SecretValue | undefined }[],
  ) {}

  /** The secrets of this receiver, with their keys in the receivers' Secret. */
  public get secrets(): ReceiverSecret[] {
    return this.credentials.filter((c): c is { field: string; value: SecretValue } => c.value !== undefined).map((c) => ({ key: `${this.name}-${c.field}`, value: c.value }));
  }

  /** Every mistake in the receiver's options, as `[problem, fix]`. */
  public problems(): [string, string][] {
    const out: [string, string][] = [];
    if (typeof this.name !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(this.name)) {
      out.push([`receiver name "${String(this.name)}" is not valid`, 'Use lowercase letters, digits and "-", at most 42 characters, e.g. "platform-team"']);
    } else if (this.name === 'null') {
      out.push(['receiver name "null" is the receiver that drops alerts', 'Give the receiver another name']);
    }
    for (const c of this.credentials) {
      const optional = this.kind === 'email';
      if (c.value === undefined && optional) continue;
      if (!SecretValue.isSecretValue(c.value)) {
        out.push([`receiver "${this.name}" has its ${c.field} as ${c.value === undefined ? 'nothing' : typeof c.value}`, `Give it as a SecretValue (SecretValue.fromVariable, fromEnv, fromFile): it is a credential`]);
      }
    }
    if (this.kind === 'email') {
      const o = this.options as EmailReceiverOptions;
      const address = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
      if (!Array.isArray(o.to) || o.to.length === 0 || o.to.some((a) => typeof a !== 'string' || !address.test(a))) {
        out.push([`receiver "${this.name}" has the recipients ${JSON.stringify(o.to)}`, 'Give one or more email addresses in to']);
      }
      if (typeof o.from !== 'string' || !address.test(o.from)) out.push([`receiver "${this.name}" has the sender "${String(o.from)}"`, 'Give an email address in from']);
      if (typeof o.smarthost !== 'string' || !/^[A-Za-z0-9.-]+:[0-9]{1,5}$/.test(o.smarthost)) {
        out.push([`receiver "${this.name}" has the smarthost "${String(o.smarthost)}"`, 'Give the SMTP server as host:port, e.g. "smtp.example.com:587"']);
      }
      if ((o.authUsername === undefined) !== (o.authPassword === undefined)) {
        out.push([`receiver "${this.name}" has only one of authUsername and authPassword`, 'Give both, or neither for a server without authentication']);
      }
    }
    if (this.kind === 'slack') {
      const channel = (this.options as SlackReceiverOptions).channel;
      if (channel !== undefined && (typeof channel !== 'string' || !/^[#@]?[a-z0-9._-]{1,80}$/.test(channel))) {
        out.push([`receiver "${this.name}" has the channel "${String(channel)}"`, 'Give a Slack channel name such as "#platform-alerts"']);
      }
    }
    if (this.kind === 'webhook') {
      const max = (this.options as WebhookReceiverOptions).maxAlerts;
      if (max !== undefined && (!Number.isInteger(max) || max < 0)) out.push([`receiver "${this.name}" has maxAlerts ${max}`, 'Use a whole number, 0 for all']);
    }
    return out;
  }

  /** The receiver in Alertmanager's configuration; `fileOf` gives the path a secret is mounted at. */
  public render(fileOf: (key: string) => string): Record<string, unknown> {
    const file = (field: string) => fileOf(`${this.name}-${field}`);
    const resolved = this.options.sendResolved;
    switch (this.kind) {
      case 'webhook': {
        const o = this.options as WebhookReceiverOptions;
        return { name: this.name, webhook_configs: [{ url_file: file('url'), send_resolved: resolved ?? true, ...(o.maxAlerts ? { max_alerts: o.maxAlerts } : {}) }] };
      }
      case 'email': {
        const o = this.options as EmailReceiverOptions;
        const auth = o.authUsername === undefined ? {} : { auth_username: o.authUsername, auth_password_file: file('auth-password') };
        return { name: this.name, email_configs: [{ to: o.to.join(', '), from: o.from, smarthost: o.smarthost, ...auth, require_tls: o.requireTls ?? true, send_resolved: resolved ?? false }] };
      }
      case 'slack': {
        const o = this.options as SlackReceiverOptions;
        return {
          name: this.name,
          slack_configs: [
            {
              api_url_file: file('webhook-url'),
              ...(o.channel ? { channel: o.channel } : {}),
              send_resolved: resolved ?? true,
              title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})',
              text: ALERT_LINES,
            },
          ],
        };
      }
      case 'pagerduty':
        return {
          name: this.name,
          pagerduty_configs: [
            {
              routing_key_file: file('routing-key'),
              send_resolved: resolved ?? true,
              // PagerDuty's severities include ballast's three; an alert without one pages as an error.
              severity: '{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}error{{ end }}',
              description: '{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}',
            },
          ],
        };
    }
  }
}
