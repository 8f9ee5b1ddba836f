// The public API of ballast: the constructs and their props, the interfaces one component uses another
// through, SecretValue, and the synth functions. Renderers, SOPS and the plan's helpers stay internal
// (lib/internal.ts, for ballast's own scripts and tests); the package exports this file only.

// The platform and its settings. `App` is cdk8s' app, which a platform program builds the platform in.
export { App } from 'cdk8s';
export { Platform, DEFAULT_SECRETS_FILE } from './platform';
export type { PlatformConfig, GitSourceConfig, GitAuth, SopsConfig, FluxSyncConfig, TerraformConfig } from './platform';
export type { NodePoolConfig, NodePoolCapacity, NodeTaint } from './core/node-pool';
export type { TerraformStateBackend, LocalStateBackend, KubernetesStateBackend, CustomStateBackend } from './core/state-backend-config';
export type { K6MetricsMode } from './core/k6-metrics';

// Typed values of the props: lengths of time and sizes from cdk8s, CPU and container resources from
// cdk8s-plus-27, re-exported so that a platform program needs no other import for them.
export { Duration, Size } from 'cdk8s';
export { Cpu } from 'cdk8s-plus-27';
export type { ContainerResources, CpuResources, MemoryResources, EphemeralStorageResources } from './core/resource-checks';
export type { Requests, CapacityClaim } from './core/capacity';

// Writing components.
export { Component, MAX_COMPONENT_ID_LENGTH } from './core/component';
export type { Backend, SecretsBackend, Tier, ComponentOptions, ChartComponentOptions, ComponentProps, AddChartOptions, OutputUrl, ObjectComment } from './core/component';
export { ComponentNetwork, NetworkPeer, PodGroup } from './core/network';
export type { AllowFromOptions, AllowToOptions, EgressPolicy, INetworkPeer, NetworkPolicyOptOut, NetworkPort, NetworkProtocol, NetworkRole, PodSecurityDeclaration, PodSecurityLevel } from './core/network';
export type { NetworkConnection, NetworkPeerSpec, PodSelection } from './model/network';
export { catalog } from './catalog';
export type { CatalogChart, ChartRepository } from './catalog';
export type { HelmValue, HelmValues, SensitiveHelmValue, HelmChartSpec, TerraformOverride } from './core/helm-chart';
export { DEFAULT_RELEASE_POLICY } from './core/release-policy';
export type { ReleasePolicy, ResolvedReleasePolicy, ReleaseRemediation, UpgradeRemediationStrategy, DriftDetectionMode, DriftIgnoreRule, DriftIgnoreTarget, CrdPolicy, CrdLocation } from './core/release-policy';
export { JsonPatch } from 'cdk8s';
export { fail, reportProblem, ValidationError, UnexpectedError } from './core/errors';
export type { ConfigProblem } from './core/errors';

// Secrets.
export { SecretValue, SecretUnavailable } from './core/secret';
export type { SecretConstraint, SecretSource, BootstrapSecret, BootstrapSecretOptions } from './core/secret';
export { localAgeKey } from './secrets/secret-store';

// The components.
export { HelmComponent } from './components/generic/helm-component';
export type { HelmComponentProps } from './components/generic/helm-component';
export { Flux, FLUX_VERSION, FLUX_DISTRIBUTION_ARTIFACT } from './components/gitops/flux';
export type { FluxProps, FluxExtraController } from './components/gitops/flux';
export { ImageUpdateAutomation, DEFAULT_IMAGE_UPDATE_MESSAGE, IMAGE_UPDATE_SOURCE_NAME, IMAGE_UPDATE_AUTH_SECRET } from './components/gitops/image-update-automation';
export type { ImageUpdateAutomationProps, GitCommitAuthor } from './components/gitops/image-update-automation';
export { Middleware } from './components/ingress/middleware';
export type { IpAllowListProps, BasicAuthProps, MiddlewareRef } from './components/ingress/middleware';
export { IngressRoute } from './components/ingress/ingress-route';
export type { IngressRouteProps, RouteBackend } from './components/ingress/ingress-route';
export { Traefik, TRAEFIK_RECORDED } from './components/ingress/traefik';
export type { TraefikProps, ExistingTraefikOptions } from './components/ingress/traefik';
export type { TraefikServiceType, TraefikEntryPointPorts, TraefikExposure } from './components/ingress/traefik-service';
export { KubePrometheusStack } from './components/monitoring/kube-prometheus-stack';
export type { KubePrometheusStackProps, ExistingPrometheusOptions } from './components/monitoring/kube-prometheus-stack';
export { AlertReceiver } from './components/monitoring/alert-receiver';
export type { AlertReceiverKind, ReceiverOptions, WebhookReceiverOptions, EmailReceiverOptions, SlackReceiverOptions, PagerDutyReceiverOptions, ReceiverSecret } from './components/monitoring/alert-receiver';
export type { AlertingOptions, AlertRoute } from './components/monitoring/alerting';
export { RUNBOOKS } from './components/monitoring/runbooks';
export type { Runbook, BallastAlert } from './components/monitoring/runbooks';
export { PodMonitor } from './components/monitoring/pod-monitor';
export type { PodMonitorProps } from './components/monitoring/pod-monitor';
export { ServiceMonitor } from './components/monitoring/service-monitor';
export type { ServiceMonitorProps } from './components/monitoring/service-monitor';
export { PrometheusRule, ALERT_SEVERITIES } from './components/monitoring/prometheus-rule';
export type { AlertSeverity, RecordingRule, AlertingRule, RuleGroup, PrometheusRuleProps } from './components/monitoring/prometheus-rule';
export { GrafanaDashboard, DASHBOARD_LABEL, DASHBOARD_FOLDER_ANNOTATION } from './components/monitoring/grafana-dashboard';
export type { DashboardModel, GrafanaDashboardProps } from './components/monitoring/grafana-dashboard';
export { KUBERNETES_DASHBOARDS, TRAEFIK_DASHBOARD, CLOUDNATIVE_PG_DASHBOARD } from './components/monitoring/community-dashboards';
export type { CommunityDashboard } from './components/monitoring/community-dashboards';
export { CloudNativePg } from './components/database/cloudnative-pg';
export type { CloudNativePgProps } from './components/database/cloudnative-pg';
export type { ContainerEnv, DatabaseConnection } from './components/database/database-connection';
export { PostgresCluster, DATABASE_PASSWORD_RULE } from './components/database/postgres-cluster';
export type { PostgresClusterProps, AddDatabaseOptions } from './components/database/postgres-cluster';
export type { ExistingPostgresClusterOptions } from './components/database/existing-postgres-cluster';
export { BarmanCloudPlugin } from './components/database/barman-cloud-plugin';
export type { BarmanCloudPluginProps } from './components/database/barman-cloud-plugin';
export { BARMAN_CLOUD_PLUGIN } from './components/database/barman-cloud-version';
export { BackupSchedule } from './components/database/backup-schedule';
export { BackupStore, BACKUP_CREDENTIAL_KEYS } from './components/database/backup-store';
export type { BackupCompression, BackupStoreOptions, S3BackupStore } from './components/database/backup-store';
export { PostgresBackup } from './components/database/postgres-backup';
export type { PostgresBackupProps } from './components/database/postgres-backup';
export { PostgresRestore } from './components/database/postgres-restore';
export type { PostgresRestoreProps } from './components/database/postgres-restore';
export { SonarQube } from './components/quality/sonarqube';
export type { SonarQubeProps } from './components/quality/sonarqube';
export { WebService } from './components/apps/web-service';
export type { WebServiceProps, WebServiceRoute, WebServiceDatabase, WebServiceProbes, WebServiceImageAutomation, EnvValue } from './components/apps/web-service';
export type { ScalingBehavior, ScalingRules } from './components/autoscaling/scaling-behavior';
export { HorizontalAutoscaler } from './components/autoscaling/horizontal-autoscaler';
export type { HorizontalAutoscalerProps } from './components/autoscaling/horizontal-autoscaler';
export { Keda } from './components/autoscaling/keda';
export type { KedaProps } from './components/autoscaling/keda';
export { KedaScaler } from './components/autoscaling/keda-scaler';
export type { KedaScalerProps, PrometheusTrigger } from './components/autoscaling/keda-scaler';
export { K6Operator } from './components/loadtest/k6-operator';
export type { K6OperatorProps } from './components/loadtest/k6-operator';
export { LoadTest } from './components/loadtest/load-test';
export type { LoadTestProps, LoadOptions, LoadStage } from './components/loadtest/load-test';
export { CertManager } from './components/tls/cert-manager';
export type { CertManagerProps, ExistingIssuerOptions } from './components/tls/cert-manager';
export { AcmeIssuer, LETS_ENCRYPT } from './components/tls/acme-issuer';
export type { AcmeIssuerProps, AcmeSolver, Http01Solver } from './components/tls/acme-issuer';
export { Dns01 } from './components/tls/dns01';
export type { IDns01Provider, Dns01SolverConfig, CloudflareDns01Options, Route53Dns01Options } from './components/tls/dns01';
export { Certificate } from './components/tls/certificate';
export type { CertificateProps } from './components/tls/certificate';
export type { RouteTls, RouteCertificateOptions, RouteWithoutTls } from './components/tls/route-tls';

// Interfaces between components, for ballast's components and importers of what the cluster already has.
export type { IIngressController, IPrometheus, IDashboardHost, IPostgresCluster, IScalableWorkload, IServiceTarget } from './core/interfaces';
export type { IIssuer } from './core/tls';
export type { AssumeInstalledOptions, AssumedInstalled } from './core/platform-context';

// Snapshot-testing components (ballast's and your own).
export { synthComponent, defaultTestConfig } from './testing';
export type { ComponentSynth, SynthComponentBuild, SynthComponentOptions, FluxObject, SecretShape, JsonObject, JsonValue } from './testing';

// Synthesizing.
export { synthPlatform, planAgainstOutput, validatePlatform } from './synth/platform-synth';
export type { PlatformProgram, LoadedProgram } from './cli/load-app';

// A fleet: several clusters from one description.
export { Fleet } from './fleet/fleet';
export type { FleetProps, FleetCluster } from './fleet/fleet';
export { synthFleet, planFleetAgainstOutput, validateFleet } from './fleet/fleet-synth';
export type { FleetSynthOptions, FleetSynthResult } from './fleet/fleet-synth';
export type { ClusterPlan } from './fleet/fleet-checks';
export type { FleetLayoutStats } from './fleet/layout';
export type { PlatformSynthOptions, PlatformSynthResult } from './synth/platform-synth';
export { planPlatform } from './synth/plan-platform';
export type { SynthStats } from './synth/synth';
export type { DeploymentPlan } from './day2/deployment-plan';
export type { Manifest } from './model/manifest';
export type { FluxStep } from './model/flux-layout';
