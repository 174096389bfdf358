/** Every command id; these are public (keybindings and menus depend on them). */
export const Commands = {
  connect: 'mcpConnections.connect',
  disconnect: 'mcpConnections.disconnect',
  reconnect: 'mcpConnections.reconnect',
  connectAll: 'mcpConnections.connectAll',
  disconnectAll: 'mcpConnections.disconnectAll',
  refresh: 'mcpConnections.refresh',
  addServer: 'mcpConnections.addServer',
  importServers: 'mcpConnections.importServers',
  removeServer: 'mcpConnections.removeServer',
  showLog: 'mcpConnections.showLog',
  setSecret: 'mcpConnections.setSecret',
  clearSecret: 'mcpConnections.clearSecret',
  callTool: 'mcpConnections.callTool',
  readResource: 'mcpConnections.readResource',
  getPrompt: 'mcpConnections.getPrompt',
  signIn: 'mcpConnections.signIn',
  signOut: 'mcpConnections.signOut',
} as const;

export const VIEW_ID = 'mcpConnections.servers';
export const FOCUS_VIEW = `${VIEW_ID}.focus`;
