'use strict';
const vscode = require('vscode');

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('fixture.hello', () => {
      vscode.window.showInformationMessage('Hello from the launcher fixture');
      return 'hello';
    }),
  );
}

function deactivate() {}

module.exports = { activate, deactivate };
