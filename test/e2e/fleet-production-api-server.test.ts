// The example fleet's production cluster on a real kube-apiserver 1.34: its Terraform objects and every
// object kustomize builds from clusters/production (the shared base with production's own files).
import { fleetClusterOnApiServer } from '../support/e2e/fleet-api-server';

fleetClusterOnApiServer('production');
