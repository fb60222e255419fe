// The queue's server refused crew's credentials (a wrong password or user) before the first
// connection was ever usable: no restart can mend that, so a component that needs the queue
// to start reports it as a fatal start error. Its message names the server, never the secret.
export class QueueCredentialsError extends Error {
  override name = 'QueueCredentialsError';
}
