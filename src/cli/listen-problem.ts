/** Why a web server could not listen, and what to do: a busy port, a port that needs privileges, an unknown address. */
export function listenProblem(error: unknown, host: string, port: number, portOption = '--port'): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const next = port === 0 || port >= 65535 ? 8081 : port + 1;
  const message =
    code === 'EADDRINUSE'
      ? `Port ${port} on ${host} is already in use (another contactsync, or another program). Stop that program, or choose another port: ${portOption} ${next}${portOption === '--port' ? ' (or web.port in the config)' : ''}.`
      : code === 'EACCES'
        ? `Listening on port ${port} needs administrator rights. Choose a port above 1024, such as ${portOption} 8080, and put a reverse proxy in front for 80 or 443.`
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? `${host} is not an address of this machine. Give one it has with --host (127.0.0.1 for this machine only, 0.0.0.0 for every address).`
          : `The web UI could not listen on ${host}:${port}: ${(error as Error).message}.`;
  return new Error(message, { cause: error });
}
