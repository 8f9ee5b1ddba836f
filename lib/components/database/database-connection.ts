// How an application reaches a database of a PostgresCluster: the types live with the interfaces one
// component uses another through (lib/core/interfaces.ts); kept here for the imports that name this file.
export type { ContainerEnv, DatabaseConnection } from '../../core/interfaces';
