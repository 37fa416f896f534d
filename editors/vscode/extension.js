// The VS Code client for `envdsl lsp`: start the server over stdio for .envdsl files.
// Everything else (diagnostics, hover, navigation, completion, formatting) is the server's.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("envdsl").get("server.command", ["envdsl", "lsp"]);
  const server = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient(
    "envdsl",
    "envdsl",
    { run: server, debug: server },
    { documentSelector: [{ language: "envdsl", scheme: "file" }, { language: "envdsl", scheme: "untitled" }] },
  );
  context.subscriptions.push(client);
  return client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `envdsl: could not start \`${[command, ...args].join(" ")}\` (${error.message}). ` +
        'Install it with `pip install "envdsl[lsp]"`, or set "envdsl.server.command".',
    );
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
