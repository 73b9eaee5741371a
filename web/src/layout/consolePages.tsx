import { FindingsPage } from '../pages/FindingsPage.tsx';
import { CockpitPage } from '../pages/CockpitPage.tsx';
import { VisitPlansPage } from '../pages/VisitPlansPage.tsx';
import { SimulationPage } from '../pages/SimulationPage.tsx';
import { AssessmentPage } from '../pages/AssessmentPage.tsx';
import { AssessmentModelsPage } from '../pages/AssessmentModelsPage.tsx';
import { WorkOrdersPage } from '../pages/WorkOrdersPage.tsx';
import { WorkBoardPage } from '../pages/WorkBoardPage.tsx';
import { WorkSlaPage } from '../pages/WorkSlaPage.tsx';
import { InboxPage } from '../pages/InboxPage.tsx';
import { WorkCalendarPage } from '../pages/WorkCalendarPage.tsx';
import { MobileInboxPage, MobileWorkOrdersPage } from '../pages/MobileWorkOrdersPage.tsx';
import type { ReactNode } from 'react';
// Icons whose SVG carries an empty <style> (LoginOutlined, for one) break the console's CSP.
import {
  AuditOutlined,
  BookOutlined,
  ClusterOutlined,
  HomeOutlined,
  HistoryOutlined,
  SafetyOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
  KeyOutlined,
  CloudUploadOutlined,
  LinkOutlined,
  IdcardOutlined,
  MergeCellsOutlined,
  FileSearchOutlined,
  SolutionOutlined,
  CalculatorOutlined,
  AlertOutlined,
  DashboardOutlined,
  CarryOutOutlined,
  ExperimentOutlined,
  RadarChartOutlined,
  ControlOutlined,
  ProfileOutlined,
  ProjectOutlined,
  FieldTimeOutlined,
  MailOutlined,
  MobileOutlined,
  CalendarOutlined,
} from '@ant-design/icons';
import type { MessageKey } from '../i18n/messages.ts';
import { HomePage } from '../pages/HomePage.tsx';
import { PersonsPage } from '../pages/PersonsPage.tsx';
import { UsersPage } from '../pages/UsersPage.tsx';
import { OrganisationsPage } from '../pages/OrganisationsPage.tsx';
import { RolesPage } from '../pages/RolesPage.tsx';
import { DictionariesPage } from '../pages/DictionariesPage.tsx';
import { SettingsPage } from '../pages/SettingsPage.tsx';
import { LoginLogPage } from '../pages/LoginLogPage.tsx';
import { AuditLogPage } from '../pages/AuditLogPage.tsx';
import { ImportsPage } from '../pages/ImportsPage.tsx';
import { LinkReviewsPage } from '../pages/LinkReviewsPage.tsx';
import { PortraitPage } from '../pages/PortraitPage.tsx';
import { PersonMergesPage } from '../pages/PersonMergesPage.tsx';
import { PoliciesPage } from '../pages/PoliciesPage.tsx';
import { PolicyMatchPage } from '../pages/PolicyMatchPage.tsx';
import { PolicyTrialPage } from '../pages/PolicyTrialPage.tsx';

export type MenuGroup = 'registry' | 'policies' | 'workorders' | 'data' | 'system' | 'security' | 'audit';

export interface ConsolePage {
  path: string;
  label: MessageKey;
  group: MenuGroup | null;
  icon: ReactNode;
  /** The permission the page's API needs; the menu shows the page only to its holders. */
  permission: string | null;
  render: () => ReactNode;
  /** A phone page (`#/m/…`): drawn in its own narrow frame, without the console's menu and header. */
  bare?: boolean;
  /** Reached by links only, not listed in the menu. */
  hidden?: boolean;
}

/** Every console page; the menu is this list filtered by the user's permissions. */
export const consolePages: ConsolePage[] = [
  {
    path: '/',
    label: 'home',
    group: null,
    icon: <HomeOutlined />,
    permission: null,
    render: () => <HomePage />,
  },
  {
    path: '/persons',
    label: 'persons',
    group: 'registry',
    icon: <UserOutlined />,
    permission: 'registry:person:view',
    render: () => <PersonsPage />,
  },
  {
    path: '/portrait',
    label: 'portrait',
    group: 'registry',
    icon: <IdcardOutlined />,
    permission: 'registry:person:view',
    render: () => <PortraitPage />,
  },
  {
    path: '/cockpit',
    label: 'cockpit',
    group: 'policies',
    icon: <DashboardOutlined />,
    permission: 'discovery:finding:view',
    render: () => <CockpitPage />,
  },
  {
    path: '/findings',
    label: 'findings',
    group: 'policies',
    icon: <AlertOutlined />,
    permission: 'discovery:finding:view',
    render: () => <FindingsPage />,
  },
  {
    path: '/visit-plans',
    label: 'visitPlans',
    group: 'policies',
    icon: <CarryOutOutlined />,
    permission: 'discovery:visit:manage',
    render: () => <VisitPlansPage />,
  },
  {
    path: '/simulation',
    label: 'simulation',
    group: 'policies',
    icon: <ExperimentOutlined />,
    permission: 'discovery:run:start',
    render: () => <SimulationPage />,
  },
  {
    path: '/assessment',
    label: 'assessment',
    group: 'policies',
    icon: <RadarChartOutlined />,
    permission: 'assessment:result:view',
    render: () => <AssessmentPage />,
  },
  {
    path: '/assessment-models',
    label: 'assessmentModels',
    group: 'policies',
    icon: <ControlOutlined />,
    permission: 'assessment:model:manage',
    render: () => <AssessmentModelsPage />,
  },
  {
    path: '/policies',
    label: 'policies',
    group: 'policies',
    icon: <FileSearchOutlined />,
    permission: 'rules:policy:view',
    render: () => <PoliciesPage />,
  },
  {
    path: '/policy-trial',
    label: 'policyTrial',
    group: 'policies',
    icon: <CalculatorOutlined />,
    permission: 'rules:policy:view',
    render: () => <PolicyTrialPage />,
  },
  {
    path: '/policy-match',
    label: 'policyMatch',
    group: 'policies',
    icon: <SolutionOutlined />,
    permission: 'registry:household:view',
    render: () => <PolicyMatchPage />,
  },
  {
    path: '/work-orders',
    label: 'workOrders',
    group: 'workorders',
    icon: <ProfileOutlined />,
    permission: 'workorder:order:view',
    render: () => <WorkOrdersPage />,
  },
  {
    path: '/work-board',
    label: 'workBoard',
    group: 'workorders',
    icon: <ProjectOutlined />,
    permission: 'workorder:order:view',
    render: () => <WorkBoardPage />,
  },
  {
    path: '/work-sla',
    label: 'workSla',
    group: 'workorders',
    icon: <FieldTimeOutlined />,
    permission: 'workorder:order:view',
    render: () => <WorkSlaPage />,
  },
  {
    path: '/inbox',
    label: 'inbox',
    group: 'workorders',
    icon: <MailOutlined />,
    permission: 'workorder:order:view',
    render: () => <InboxPage />,
  },
  {
    path: '/m/work-orders',
    label: 'mobileWork',
    group: 'workorders',
    icon: <MobileOutlined />,
    permission: 'workorder:order:handle',
    bare: true,
    render: () => <MobileWorkOrdersPage />,
  },
  {
    path: '/m/inbox',
    label: 'inbox',
    group: 'workorders',
    icon: <MailOutlined />,
    permission: 'workorder:order:view',
    bare: true,
    hidden: true,
    render: () => <MobileInboxPage />,
  },
  {
    path: '/imports',
    label: 'importData',
    group: 'data',
    icon: <CloudUploadOutlined />,
    permission: 'ingest:import:view',
    render: () => <ImportsPage />,
  },
  {
    path: '/link-reviews',
    label: 'linkReviews',
    group: 'data',
    icon: <LinkOutlined />,
    permission: 'ingest:link:review',
    render: () => <LinkReviewsPage />,
  },
  {
    path: '/person-merges',
    label: 'personMerges',
    group: 'data',
    icon: <MergeCellsOutlined />,
    permission: 'registry:person:merge',
    render: () => <PersonMergesPage />,
  },
  {
    path: '/users',
    label: 'users',
    group: 'system',
    icon: <TeamOutlined />,
    permission: 'system:user:manage',
    render: () => <UsersPage />,
  },
  {
    path: '/organisations',
    label: 'organisations',
    group: 'system',
    icon: <ClusterOutlined />,
    permission: 'system:organisation:manage',
    render: () => <OrganisationsPage />,
  },
  {
    path: '/dictionaries',
    label: 'dictionaries',
    group: 'system',
    icon: <BookOutlined />,
    permission: 'system:config:manage',
    render: () => <DictionariesPage />,
  },
  {
    path: '/settings/system',
    label: 'systemSettings',
    group: 'system',
    icon: <SettingOutlined />,
    permission: 'system:config:manage',
    render: () => <SettingsPage group="system" />,
  },
  {
    path: '/work-calendar',
    label: 'workCalendar',
    group: 'system',
    icon: <CalendarOutlined />,
    permission: 'system:calendar:manage',
    render: () => <WorkCalendarPage />,
  },
  {
    path: '/roles',
    label: 'roles',
    group: 'security',
    icon: <KeyOutlined />,
    permission: 'security:role:manage',
    render: () => <RolesPage />,
  },
  {
    path: '/settings/security',
    label: 'securityPolicy',
    group: 'security',
    icon: <SafetyOutlined />,
    permission: 'security:policy:manage',
    render: () => <SettingsPage group="security" />,
  },
  {
    path: '/audit',
    label: 'auditLog',
    group: 'audit',
    icon: <AuditOutlined />,
    permission: 'audit:record:view',
    render: () => <AuditLogPage />,
  },
  {
    path: '/login-log',
    label: 'loginLog',
    group: 'audit',
    icon: <HistoryOutlined />,
    permission: 'audit:record:view',
    render: () => <LoginLogPage />,
  },
];
