// The example fleet's staging cluster (smaller, with the load tests and image automation) on a real
// kube-apiserver 1.34: its Terraform objects and every object kustomize builds from clusters/staging.
import { fleetClusterOnApiServer } from '../support/e2e/fleet-api-server';

fleetClusterOnApiServer('staging');
