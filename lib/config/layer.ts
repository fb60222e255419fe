// One source of config values, in the order they are merged: config/default.yaml,
// config/<env>.yaml, each well-known environment variable, the command line.

export interface Layer {
  /** As messages name it: `config/default.yaml`, `environment PORT`, `command line`. */
  source: string;
  /** The file the layer was read from, when it was. */
  file?: string;
  data: Record<string, unknown>;
  /** Formatted key path -> environment variables its string was built from. */
  refs?: Map<string, string[]>;
}
