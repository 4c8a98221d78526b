export { PortalController, PORTAL_CSP, portalStaticDir, loadPortalFiles } from './portal.controller';
