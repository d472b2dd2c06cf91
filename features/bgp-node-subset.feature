@bgp @S3 @doc-27.2.4 @dualstack
Feature: S3 · Advertising from a subset of nodes (doc 27.2.4)
  The advertisement's nodeSelectors (ORed across entries, ANDed within one) choose which nodes announce.
  Every node stays peered; only the selected ones announce the Service. The document's advertisement
  has no namespace: it is taken to be in the speaker's namespace. Pool entries may be ranges.

  Background:
    Given the documented manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        namespace: metallb-system
        name: pool1
      spec:
        addresses:
          - 4.4.4.100-4.4.4.200
          - 2001:100:4::200-2001:100:4::400
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: example
      spec:
        ipAddressPools:
          - pool1
        nodeSelectors:
          - matchLabels:
              kubernetes.io/hostname: NodeA
          - matchLabels:
              kubernetes.io/hostname: NodeB
      """
    And nodes "NodeA, NodeB, NodeC" and the router "tor" on one segment

  Scenario Outline: only NodeA and NodeB announce; NodeC stays peered and silent (<session>)
    Given every node peers with "tor" over <session>
    And a dual-stack Service "default/web" with a ready endpoint on "NodeC"
    When the speaker runs on every node
    Then every node's session with "tor" is Established
    And "tor" has exactly these routes:
      | prefix               | next hops    | origin | as path   | local pref   | communities |
      | 4.4.4.100/32         | NodeA, NodeB | IGP    | <as path> | <local pref> | none        |
      | 2001:100:4::200/128  | NodeA, NodeB | IGP    | <as path> | <local pref> | none        |
    And every node's session with "tor" is Established

    @ibgp @ipv4 @ipv6
    Examples: iBGP
      | session | as path | local pref |
      | iBGP    | empty   | unset      |

    @ebgp @ipv4 @ipv6
    Examples: eBGP
      | session | as path | local pref |
      | eBGP    | 64500   | absent     |
