import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import { Select } from 'antd';
import { api } from '../api/client.ts';
import { useLanguage } from '../i18n/LanguageContext.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import type { OrganisationRef } from '../pages/workOrderModel.ts';

// The organisations orders go to change rarely: one request for the life of the page.
let cached: Promise<OrganisationRef[]> | null = null;

/** The organisations work orders can go to (every township office and village committee, ~900). */
export function useOrganisations(): OrganisationRef[] {
  const [list, setList] = useState<OrganisationRef[]>([]);
  useEffect(() => {
    let live = true;
    cached ??= api<OrganisationRef[]>('GET', '/work-orders/organisations').catch((e: unknown) => {
      cached = null;
      throw e;
    });
    cached
      .then((found) => {
        if (live) setList(found);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return list;
}

interface OrganisationOption {
  value: string;
  label: string;
  search: string;
}

const kindKey: Record<string, MessageKey> = {
  bureau: 'kind_bureau',
  township_office: 'kind_township_office',
  village_committee: 'kind_village_committee',
  department: 'kind_department',
  partner: 'kind_partner',
};

/**
 * A searchable picker of the organisations orders go to: type a few characters of the name (or
 * the area code) to find one among hundreds; each option says what kind of organisation it is.
 */
export function OrganisationSelect({
  value,
  onChange,
  testId,
  placeholder,
  allowClear,
  style,
  exclude,
}: {
  value?: string | null;
  onChange?: (value: string | undefined) => void;
  testId?: string;
  placeholder?: string;
  allowClear?: boolean;
  style?: CSSProperties;
  /** An organisation not to offer (the one handling the order now). */
  exclude?: string | null;
}) {
  const { t } = useLanguage();
  const organisations = useOrganisations();
  // Built once per list, language and exclusion, not at every keystroke of a search: ~900
  // labels made anew each render kept the dropdown re-rendering while it was being clicked.
  const options = useMemo(
    () =>
      organisations
        .filter((o) => o.id !== exclude)
        .map((o) => ({
          value: o.id,
          label: `${o.name}（${kindKey[o.kind] ? t(kindKey[o.kind] ?? 'kind_partner') : o.kind}）`,
          search: `${o.name} ${o.areaCode}`,
        })),
    [organisations, exclude, t],
  );
  return (
    <Select<string, OrganisationOption>
      data-testid={testId}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v)}
      placeholder={placeholder ?? t('woSearchOrganisation')}
      allowClear={allowClear}
      style={{ minWidth: 260, ...style }}
      loading={organisations.length === 0}
      popupMatchSelectWidth={false}
      showSearch={{
        filterOption: (input, option) =>
          (option?.search ?? '').toLowerCase().includes(input.trim().toLowerCase()),
      }}
      options={options}
    />
  );
}
